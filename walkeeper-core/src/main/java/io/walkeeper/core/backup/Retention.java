package io.walkeeper.core.backup;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.DeletionListener;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.RetentionPolicy;
import io.walkeeper.api.RetentionResult;
import io.walkeeper.core.repo.BackupLease;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryLayout;
import io.walkeeper.spi.BlobInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Applies a retention policy: plans with {@link RetentionPlan} what to keep (including what
 * running backups, known by their leases, need) and deletes the rest, each backup's manifest
 * before its parts so that a backup is never listed with parts missing.
 */
final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final Repository repository;
    private final BackupCatalogue catalogue;
    private final Duration leaseTimeout;

    Retention(Repository repository, BackupCatalogue catalogue, Duration leaseTimeout) {
        this.repository = repository;
        this.catalogue = catalogue;
        this.leaseTimeout = leaseTimeout;
    }

    RetentionResult apply(RetentionPolicy policy, boolean dryRun) {
        return apply(policy, dryRun, DeletionListener.NONE);
    }

    RetentionResult apply(RetentionPolicy policy, boolean dryRun, DeletionListener listener) {
        if (policy == null) {
            throw new InvalidRequestException("A retention policy is required");
        }
        List<BackupInfo> all = catalogue.list();
        refuseUnreadableManifests(all);
        List<String> walKeys;
        try (Stream<BlobInfo> s = repository.store().list(RepositoryLayout.WAL_PREFIX)) {
            walKeys = s.map(BlobInfo::key).toList();
        }
        List<BackupLease> running = new ArrayList<>();
        List<String> expired = new ArrayList<>();
        Instant now = Instant.now();
        for (BackupLease lease : repository.leases()) {
            if (lease.expired(now, leaseTimeout)) {
                LOG.warn("Ignoring the lease of {}: not renewed for more than {} s, so its backup is taken for dead "
                        + "(HINT: if it still runs, it will fail before listing itself; remove backups/{}.lease and the "
                        + "parts under backups/{}/ once you are sure)", lease, leaseTimeout.toSeconds(),
                        lease.name(), lease.name());
                expired.add(lease.name());
            } else {
                running.add(lease);
            }
        }
        RetentionPlan plan = RetentionPlan.of(all, policy, walKeys, running);
        if (!running.isEmpty()) {
            LOG.info("Retention keeps what running backups need: {}", running);
        }
        String what = dryRun ? "would delete" : "deleting";
        LOG.info("Retention in {}: keeping {} backup(s) {}, {} {} backup(s) {} and {} archived WAL object(s) before {}",
                repository.store().location(), plan.kept().size(), names(plan.kept()), what, plan.deleted().size(),
                names(plan.deleted()), plan.walKeys().size(), plan.oldestKeptSegment());
        if (!dryRun) {
            DeletionReport report = new DeletionReport("retention", listener);
            report.start(plan.deleted().isEmpty() ? "wal" : "backups", plan.deleted().size(), plan.deleted().size() + (long) plan.walKeys().size());
            plan.deleted().forEach(b -> deleteBackup(b, report));
            repository.deleteInBatches(plan.walKeys(), batch -> report.deleted("wal", 0, batch));
            report.finish();
        }
        return new RetentionResult(dryRun, plan.kept(), plan.deleted(), plan.oldestKeptSegment(), plan.walKeys().size(),
                running.stream().map(BackupLease::name).toList(), expired);
    }

    private void deleteBackup(BackupInfo b, DeletionReport report) {
        // the manifest first: from then on the backup is not listed, whatever happens to its parts
        repository.store().delete(List.of(RepositoryLayout.manifestKey(b.name())));
        List<String> parts;
        try (Stream<BlobInfo> s = repository.store().list(RepositoryLayout.backupPrefix(b.name()))) {
            parts = new ArrayList<>(s.map(BlobInfo::key).toList());
        }
        try (Stream<BlobInfo> s = repository.store().list(RepositoryLayout.drillPrefix(b.name()))) {
            s.forEach(r -> parts.add(r.key())); // its drill reports describe a backup that is gone
        }
        parts.add(RepositoryLayout.manifestSignatureKey(b.name()));
        parts.add(RepositoryLayout.markKey(b.name()));
        report.expect(parts.size());
        repository.deleteInBatches(parts);
        report.deleted("backups", 1, parts.size() + 1);
        LOG.info("Deleted backup {} ({} objects)", b.name(), parts.size() + 1);
    }

    /**
     * A backup whose manifest cannot be read is left out of listings, but retention must not plan
     * without it: it may be a delta whose parent would look unneeded, or a manifest of a newer
     * format whose WAL would look old.
     */
    private void refuseUnreadableManifests(List<BackupInfo> listed) {
        Set<String> known = new HashSet<>(names(listed));
        List<String> manifests;
        try (Stream<BlobInfo> s = repository.store().list(RepositoryLayout.BACKUPS_PREFIX)) {
            manifests = s.map(b -> RepositoryLayout.backupNameOfManifest(b.key())).filter(n -> n != null && !known.contains(n))
                    .toList();
        }
        for (String name : manifests) {
            try {
                repository.readManifestSummary(name);
            } catch (IntegrityException e) {
                throw new IntegrityException("Retention in " + repository.store().location() + " refused: the manifest of "
                        + "backup " + name + " cannot be read, so what it needs cannot be told (" + e.getMessage()
                        + "); nothing was deleted (HINT: restore the manifest, or delete backups/" + name + ".json and "
                        + "backups/" + name + "/ by hand if that backup is lost anyway)", e);
            }
        }
    }

    private static List<String> names(List<BackupInfo> backups) {
        return backups.stream().map(BackupInfo::name).toList();
    }
}
