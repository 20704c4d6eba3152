package io.walkeeper.core.backup;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.ConflictException;
import io.walkeeper.api.DeletionListener;
import io.walkeeper.api.GarbageResult;
import io.walkeeper.api.RetentionPolicy;
import io.walkeeper.api.RetentionResult;
import io.walkeeper.core.repo.BackupLease;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryLayout;
import io.walkeeper.spi.BlobInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The two deletions that are not a retention policy: {@code delete everything} (every backup
 * and all archived WAL, the repository descriptor kept) and {@code delete garbage} (what nothing
 * lists and no backup needs). Both list the repository once, decide, and only then delete,
 * manifests before anything else.
 */
final class RepositoryCleanup {
    private static final Logger LOG = LoggerFactory.getLogger(RepositoryCleanup.class);

    private final Repository repository;
    private final BackupCatalogue catalogue;
    private final Duration leaseTimeout;
    private final Clock clock;

    RepositoryCleanup(Repository repository, BackupCatalogue catalogue, Duration leaseTimeout, Clock clock) {
        this.repository = repository;
        this.catalogue = catalogue;
        this.leaseTimeout = leaseTimeout;
        this.clock = clock;
    }

    RetentionResult everything(boolean force, boolean dryRun) {
        return everything(force, dryRun, DeletionListener.NONE);
    }

    RetentionResult everything(boolean force, boolean dryRun, DeletionListener listener) {
        List<BackupInfo> all = new ArrayList<>(catalogue.list());
        all.sort(RetentionPolicy.NEWEST_LAST.reversed());
        Instant now = clock.instant();
        List<String> expired = new ArrayList<>();
        for (BackupLease lease : repository.leases()) {
            if (!lease.expired(now, leaseTimeout)) {
                throw new ConflictException("Cannot delete everything in " + repository.store().location() + ": backup "
                        + lease.name() + " is running (" + lease + "); nothing was deleted (HINT: run again when it has "
                        + "finished)");
            }
            expired.add(lease.name());
        }
        List<String> permanent = all.stream().filter(BackupInfo::permanent).map(BackupInfo::name).toList();
        if (!permanent.isEmpty() && !force) {
            throw new ConflictException("Cannot delete everything in " + repository.store().location() + ": backup(s) "
                    + permanent + " are permanent; nothing was deleted (HINT: delete everything FORCE deletes them too, "
                    + "or backup-mark --impermanent them first)");
        }
        List<String> backupKeys = keys(RepositoryLayout.BACKUPS_PREFIX);
        List<String> drillKeys = keys(RepositoryLayout.DRILLS_PREFIX);
        List<String> walKeys = keys(RepositoryLayout.WAL_PREFIX);
        LOG.info("Delete everything in {}: {} {} backup(s), {} object(s) under backups/, {} drill report(s) and {} archived "
                + "WAL object(s)", repository.store().location(), dryRun ? "would delete" : "deleting", all.size(),
                backupKeys.size(), drillKeys.size(), walKeys.size());
        if (!dryRun) {
            DeletionReport report = new DeletionReport("everything", listener);
            report.start("backups", all.size(), backupKeys.size() + (long) drillKeys.size() + walKeys.size());
            // manifests first: from the first delete on, no backup is listed that has lost a part
            List<String> manifests = backupKeys.stream().filter(k -> RepositoryLayout.backupNameOfManifest(k) != null).toList();
            delete(manifests, report, "backups");
            report.deleted("backups", all.size(), 0); // none is listed any more
            delete(backupKeys.stream().filter(k -> RepositoryLayout.backupNameOfManifest(k) == null).toList(), report,
                    "backups");
            delete(drillKeys, report, "backups");
            delete(walKeys, report, "wal");
            report.finish();
        }
        return new RetentionResult(dryRun, List.of(), all, null, walKeys.size(), List.of(), expired);
    }

    GarbageResult garbage(boolean dryRun, Retention retention) {
        return garbage(dryRun, retention, DeletionListener.NONE);
    }

    GarbageResult garbage(boolean dryRun, Retention retention, DeletionListener listener) {
        Instant now = clock.instant();
        Instant cutoff = now.minus(leaseTimeout);
        Map<String, List<BlobInfo>> byBackup = new TreeMap<>();
        Set<String> withManifest = new HashSet<>();
        try (Stream<BlobInfo> s = repository.store().list(RepositoryLayout.BACKUPS_PREFIX)) {
            s.forEach(b -> {
                String name = RepositoryLayout.backupNameOf(b.key());
                if (name != null) {
                    byBackup.computeIfAbsent(name, n -> new ArrayList<>()).add(b);
                    if (RepositoryLayout.backupNameOfManifest(b.key()) != null) {
                        withManifest.add(name);
                    }
                }
            });
        }
        Set<String> live = repository.leases().stream().filter(l -> !l.expired(now, leaseTimeout)).map(BackupLease::name)
                .collect(Collectors.toSet());
        // drill reports of a backup that is gone (deleted by hand, or by a version that left them)
        List<String> orphanReports;
        try (Stream<BlobInfo> s = repository.store().list(RepositoryLayout.DRILLS_PREFIX)) {
            orphanReports = s.map(BlobInfo::key).filter(k -> {
                String name = RepositoryLayout.backupNameOfDrillReport(k);
                return name != null && !withManifest.contains(name) && !live.contains(name);
            }).toList();
        }
        List<String> abandoned = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        byBackup.forEach((name, objects) -> {
            boolean recent = objects.stream().anyMatch(o -> o.lastModified() != null && !o.lastModified().isBefore(cutoff));
            if (withManifest.contains(name) || live.contains(name) || recent) {
                return;
            }
            abandoned.add(name);
            objects.forEach(o -> keys.add(o.key()));
        });
        DeletionReport report = new DeletionReport("garbage", dryRun ? DeletionListener.NONE : listener);
        report.start("wal", abandoned.size(), keys.size() + (long) orphanReports.size());
        RetentionResult wal = retention.apply(backups -> backups.stream().map(BackupInfo::name).collect(Collectors.toSet()),
                dryRun, report.nested("wal"));
        LOG.info("Garbage in {}: {} the objects of {} abandoned backup(s) {} ({} objects) and {} drill report(s) of "
                + "backups that are gone", repository.store().location(), dryRun ? "would delete" : "deleting",
                abandoned.size(), abandoned, keys.size(), orphanReports.size());
        int reportsDeleted = dryRun ? orphanReports.size() : 0;
        if (!dryRun) {
            // checked again before deleting, once per backup: a backup listed meanwhile keeps its reports
            Map<String, Boolean> stillGone = new HashMap<>();
            for (String key : orphanReports) {
                String name = RepositoryLayout.backupNameOfDrillReport(key);
                if (stillGone.computeIfAbsent(name, n -> repository.store().head(RepositoryLayout.manifestKey(n)).isEmpty())) {
                    delete(List.of(key), report, "backups");
                    reportsDeleted++;
                }
            }
            for (String name : abandoned) {
                // checked again just before deleting: a run that reserved the name meanwhile keeps it
                if (repository.store().head(RepositoryLayout.manifestKey(name)).isEmpty()
                        && repository.readLease(name).map(l -> l.expired(clock.instant(), leaseTimeout)).orElse(true)) {
                    delete(byBackup.get(name).stream().map(BlobInfo::key).toList(), report, "backups");
                    report.deleted("backups", 1, 0);
                } else {
                    LOG.info("Keeping the objects of {}: a run claimed it while garbage was collected", name);
                }
            }
        }
        long writes = repository.store().removeAbandonedWrites(cutoff, dryRun);
        if (!dryRun) {
            report.expect(writes);
            report.deleted("writes", 0, writes);
            report.finish();
        }
        return new GarbageResult(dryRun, abandoned, keys.size(), reportsDeleted, wal.walObjectsDeleted(), writes);
    }

    private List<String> keys(String prefix) {
        try (Stream<BlobInfo> s = repository.store().list(prefix)) {
            return s.map(BlobInfo::key).toList();
        }
    }

    private void delete(List<String> keys, DeletionReport report, String phase) {
        repository.deleteInBatches(keys, batch -> report.deleted(phase, 0, batch));
    }
}
