package io.walkeeper.core.backup;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupRepository;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.ConflictException;
import io.walkeeper.api.DeltaOrigin;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.PostgresException;
import io.walkeeper.api.RetentionPolicy;
import io.walkeeper.api.RetentionResult;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.TimelineId;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.api.WalSegmentName;
import io.walkeeper.core.PgConnection;
import io.walkeeper.core.io.Workers;
import io.walkeeper.core.pg.PgSession;
import io.walkeeper.core.repo.BackupLease;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryLayout;
import io.walkeeper.spi.BlobInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Takes full base backups with the non-exclusive backup API and keeps the catalogue of completed
 * ones. Files are streamed into tar parts in parallel, {@code global/pg_control} last; the manifest
 * is written only after PostgreSQL stopped the backup and every WAL segment the backup needs is in
 * the archive.
 */
public final class DefaultBackupRepository implements BackupRepository {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultBackupRepository.class);
    private static final Pattern START_TIMELINE = Pattern.compile("(?m)^START TIMELINE: (\\d+)");

    private final Repository repository;
    private final PgConnection connection;
    private final Path dataDirectory;
    private final BackupSettings settings;

    /**
     * Tuning of backups.
     *
     * @param partSizeThreshold start a new part once this many tar bytes are in the current one
     * @param concurrency parts written at once
     * @param walArchiveTimeout how long to wait for the backup's last WAL segment to reach the archive
     * @param deltaMaxSteps longest delta chain; 0 takes only full backups
     * @param deltaOrigin which backup a delta is taken against
     * @param leaseTimeout how long a running backup's lease lives without renewal: retention
     *     ignores (and reports) a lease older than this, taking its backup for dead
     */
    public record BackupSettings(long partSizeThreshold, int concurrency, Duration walArchiveTimeout, int deltaMaxSteps,
                                 DeltaOrigin deltaOrigin, Duration leaseTimeout) {
        /** Checks the values. */
        public BackupSettings {
            if (partSizeThreshold < 1 << 20) {
                throw new ConfigurationException("Part size threshold " + partSizeThreshold + " is below the minimum of 1 MiB");
            }
            if (concurrency < 1) {
                throw new ConfigurationException("Backup concurrency must be at least 1, not " + concurrency);
            }
            if (leaseTimeout.compareTo(Duration.ofSeconds(4)) < 0) {
                throw new ConfigurationException("Backup lease timeout " + leaseTimeout + " is below the minimum of 4 s");
            }
        }
    }

    /**
     * Creates the repository view.
     *
     * @param repository where backups live
     * @param connection how to reach the server, or {@code null} if this instance only reads
     * @param dataDirectory the server's data directory, or {@code null}
     * @param settings tuning
     */
    public DefaultBackupRepository(Repository repository, PgConnection connection, Path dataDirectory,
                                   BackupSettings settings) {
        this.repository = repository;
        this.connection = connection;
        this.dataDirectory = dataDirectory;
        this.settings = settings;
    }

    @Override
    public BackupInfo push(BackupRequest request) {
        if (connection == null || dataDirectory == null) {
            throw new ConfigurationException("Cannot take a backup: no PostgreSQL connection and data directory configured "
                    + "(HINT: set PGDATA/PGHOST/PGPORT/PGUSER, or .postgres(...) on the builder)");
        }
        Instant startTime = Instant.now();
        try (PgSession pg = PgSession.open(connection)) {
            Path dataDir = checkDataDirectory(pg);
            long sysid = pg.systemIdentifier();
            long controlSysid = readControlSystemIdentifier(dataDir);
            if (controlSysid != sysid) {
                throw new InvalidRequestException("Cannot back up " + dataDir + ": its pg_control has system identifier "
                        + Long.toUnsignedString(controlSysid) + " but the server at " + connection + " reports "
                        + Long.toUnsignedString(sysid));
            }
            long segSize = pg.walSegmentSize();
            int version = pg.versionNum();
            repository.checkCluster(sysid, version, segSize);
            boolean standby = pg.inRecovery();
            String archiveMode = pg.archiveMode();
            if ("off".equals(archiveMode) && !standby) {
                throw new PostgresException("Cannot take a usable backup of " + connection + ": archive_mode is off, so the "
                        + "WAL the backup needs never reaches the archive (HINT: set archive_mode = on and "
                        + "archive_command = 'walkeeper wal-push %p', then restart PostgreSQL)");
            }
            Set<String> extraExcluded = version < 150000 ? statsTempDir(pg) : Set.of();

            int blockSize = pg.blockSize();
            boolean checksums = pg.dataChecksums();
            long blocksPerSegment = pg.blocksPerSegment();
            BackupManifest candidate = deltaCandidate(request, sysid, version, blockSize, checksums);

            Lsn start = pg.startBackup("walkeeper " + startTime, request.fastCheckpoint());
            TimelineId timeline = pg.checkpointTimeline();
            WalSegmentName startSegment = WalSegmentName.containing(timeline, start, segSize);
            BackupManifest parent = candidate == null ? null : checkParent(candidate, timeline, start);
            BackupLease template = new BackupLease(null, null, null, 0, startTime.toString(), null, timeline.asLong(),
                    start.toString(), startSegment.toString(), parent == null ? null : parent.name());
            try (LeaseHolder lease = LeaseHolder.acquire(repository, "base_" + startSegment
                    + (parent == null ? "" : "_D_" + parent.startWalSegment()), template, settings.leaseTimeout())) {
                return copyAndCommit(request, pg, lease.name(), new Started(dataDir, sysid, version, segSize, blockSize,
                        checksums, blocksPerSegment, extraExcluded, standby, startTime, start, timeline, startSegment, parent));
            }
        }
    }

    /** What is known once PostgreSQL has started the backup. */
    private record Started(Path dataDir, long sysid, int version, long segSize, int blockSize, boolean checksums,
                           long blocksPerSegment, Set<String> extraExcluded, boolean standby, Instant startTime, Lsn start,
                           TimelineId timeline, WalSegmentName startSegment, BackupManifest parent) {
    }

    private BackupInfo copyAndCommit(BackupRequest request, PgSession pg, String name, Started b) {
        Path dataDir = b.dataDir();
        long sysid = b.sysid();
        int version = b.version();
        long segSize = b.segSize();
        int blockSize = b.blockSize();
        boolean checksums = b.checksums();
        Instant startTime = b.startTime();
        Lsn start = b.start();
        TimelineId timeline = b.timeline();
        WalSegmentName startSegment = b.startSegment();
        BackupManifest parent = b.parent();
        LOG.info("Backup {} started at {} on timeline {}{}{}", name, start, timeline, b.standby() ? " (standby)" : "",
                parent == null ? "" : " as a delta of " + parent.name());
        BackupContext context = new BackupContext(blockSize, b.blocksPerSegment(), checksums, start.value(), startTime,
                request.failOnCorruptPage(), parent == null ? null : filesByPath(parent),
                parent == null ? 0 : Lsn.parse(parent.startLsn()).value());
        String prefix = RepositoryLayout.backupPrefix(name);
        BackupManifest[] attempted = new BackupManifest[1];
        try {
            DataDirectoryWalker.Result walk = new DataDirectoryWalker(dataDir, version / 10000, b.extraExcluded()).walk();
            List<BackupManifest.Part> parts = new ArrayList<>();
            List<BackupManifest.FileEntry> files = new ArrayList<>();
            walk.entries().stream().filter(SourceFile::directory).forEach(d -> files.add(
                    BackupManifest.FileEntry.directory(d.archivePath(), d.mode(), d.mtime().toString())));
            writeParts(prefix, walk.entries(), parts, files, context);
            PartWriter.Written control = new PartWriter(repository, prefix, context)
                    .write("pg_control", List.of(walk.pgControl()));
            parts.add(control.part());
            files.addAll(control.files());
            if (control.files().isEmpty()) {
                throw new PostgresException("global/pg_control vanished from " + dataDir + " during the backup");
            }

            PgSession.StopResult stop = pg.stopBackup();
            TimelineId labelTimeline = labelTimeline(stop.labelFile(), timeline);
            WalSegmentName stopSegment = new WalSegmentName(labelTimeline, stop.stopLsn().previousSegmentNumber(segSize), segSize);
            if (stopSegment.compareTo(startSegment) < 0) {
                stopSegment = startSegment;
            }
            waitForWal(startSegment, stopSegment, b.standby());
            checkParentStillThere(name, parent);

            long stored = parts.stream().mapToLong(BackupManifest.Part::storedSize).sum();
            BackupKind kind = parent == null ? BackupKind.FULL : BackupKind.DELTA;
            BackupManifest manifest = new BackupManifest(RepositoryLayout.FORMAT_VERSION, name, kind.name(),
                    parent == null ? null : parent.name(), labelTimeline.asLong(), start.toString(), stop.stopLsn().toString(), startSegment.toString(),
                    stopSegment.toString(), startTime.toString(), Instant.now().toString(), version,
                    Long.toUnsignedString(sysid), checksums, segSize, blockSize, request.permanent(),
                    request.labels(), stop.labelFile(), stop.tablespaceMap(), walk.tablespaces(),
                    repository.format().codec().name(), context.bytesRead.get(), stored, parts, files,
                    context.statistics(stored), context.corruptPages());
            attempted[0] = manifest;
            repository.writeManifest(manifest, context::creating);
            var st = manifest.statistics();
            LOG.info("Backup {} completed ({}{}): {} files ({} whole, {} as changed pages, {} unchanged), {} bytes read, "
                    + "{} pages scanned, {} pages stored, {} bytes stored in {} parts", name, kind,
                    parent == null ? "" : " of " + parent.name(), files.stream().filter(f -> !f.isDirectory()).count(),
                    st.filesStoredWhole(), st.filesStoredAsDelta(), st.filesSkippedUnchanged(), st.bytesRead(),
                    st.pagesScanned(), st.pagesStored(), stored, parts.size());
            if (!manifest.corruptPages().isEmpty()) {
                LOG.warn("Backup {} read {} data pages whose checksum is wrong: {} (HINT: check the storage and run "
                        + "pg_amcheck; the backup holds the pages as they are on disk)", name,
                        manifest.corruptPages().size(), manifest.corruptPages());
            }
            return manifest.toInfo();
        } catch (RuntimeException | IOException e) {
            if (attempted[0] != null) {
                Optional<BackupInfo> landed = manifestLanded(attempted[0], e);
                if (landed.isPresent()) {
                    return landed.get();
                }
            }
            removeCreated(context.createdKeys());
            if (e instanceof IOException io) {
                throw new StorageException("Backup " + name + " failed while reading " + dataDir + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** The newest backup a delta may be taken against under the policy, or {@code null} (saying why). */
    private BackupManifest deltaCandidate(BackupRequest request, long sysid, int version, int blockSize, boolean checksums) {
        if (request.forceFull() || settings.deltaMaxSteps() == 0) {
            return null;
        }
        List<BackupManifest> all = repository.manifests();
        Map<String, BackupManifest> byName = new HashMap<>();
        all.forEach(m -> byName.put(m.name(), m));
        Optional<BackupManifest> newest = all.stream()
                .filter(m -> settings.deltaOrigin() == DeltaOrigin.LATEST || "FULL".equals(m.kind()))
                .max(Comparator.comparing(BackupManifest::finishTime));
        if (newest.isEmpty()) {
            LOG.info("Taking a full backup: there is no earlier {}backup to take a delta against",
                    settings.deltaOrigin() == DeltaOrigin.LATEST_FULL ? "full " : "");
            return null;
        }
        BackupManifest parent = newest.get();
        int steps = 0;
        for (BackupManifest m = parent; !"FULL".equals(m.kind()); steps++) {
            m = byName.get(m.parent());
            if (m == null || steps > 10_000) {
                LOG.info("Taking a full backup: the chain of {} is incomplete (a parent backup is missing)", parent.name());
                return null;
            }
        }
        if (steps + 1 > settings.deltaMaxSteps()) {
            LOG.info("Taking a full backup: {} is already {} delta step(s) from its full backup and the limit is {}",
                    parent.name(), steps, settings.deltaMaxSteps());
            return null;
        }
        String refusal = null;
        if (!parent.systemIdentifier().equals(Long.toUnsignedString(sysid))) {
            refusal = "it belongs to system identifier " + parent.systemIdentifier();
        } else if (parent.pgVersionNum() / 10000 != version / 10000) {
            refusal = "it was taken from PostgreSQL " + parent.pgVersionNum() / 10000 + ", this server is " + version / 10000;
        } else if (parent.blockSize() != blockSize) {
            refusal = "its block size is " + parent.blockSize() + ", this cluster's is " + blockSize;
        } else if (parent.dataChecksums() != checksums) {
            refusal = "data checksums were " + (parent.dataChecksums() ? "on" : "off") + " then and are "
                    + (checksums ? "on" : "off") + " now";
        }
        if (refusal != null) {
            LOG.info("Taking a full backup instead of a delta of {}: {}", parent.name(), refusal);
            return null;
        }
        return parent;
    }

    /** The parent if a delta against it is sound from this backup's start, else {@code null} (saying why). */
    private BackupManifest checkParent(BackupManifest parent, TimelineId timeline, Lsn start) {
        Lsn parentStop = Lsn.parse(parent.stopLsn());
        String refusal = null;
        if (parentStop.compareTo(start) > 0) {
            refusal = "it ends at " + parentStop + ", after this backup's start " + start
                    + " (the cluster was restored or rewound to an earlier point)";
        } else if (parent.timeline() != timeline.asLong()) {
            refusal = timelineRefusal(parent, timeline, parentStop);
        }
        if (refusal != null) {
            LOG.info("Taking a full backup instead of a delta of {}: {}", parent.name(), refusal);
            return null;
        }
        return parent;
    }

    /** A delta across a timeline switch is sound only if the parent's timeline is an ancestor that branched after the parent ended. */
    private String timelineRefusal(BackupManifest parent, TimelineId timeline, Lsn parentStop) {
        Optional<TimelineHistory> history = TimelineHistory.read(repository, timeline);
        if (history.isEmpty()) {
            return "it is on timeline " + parent.timeline() + " and the history file of timeline " + timeline
                    + " is not in the archive";
        }
        Optional<Lsn> switchPoint = history.get().switchPoint(parent.timeline());
        if (switchPoint.isEmpty()) {
            return "its timeline " + parent.timeline() + " is not an ancestor of timeline " + timeline;
        }
        if (switchPoint.get().compareTo(parentStop) < 0) {
            return "timeline " + timeline + " branched off timeline " + parent.timeline() + " at " + switchPoint.get()
                    + ", before the parent ended at " + parentStop;
        }
        return null;
    }

    private static Map<String, BackupManifest.FileEntry> filesByPath(BackupManifest m) {
        Map<String, BackupManifest.FileEntry> out = new HashMap<>();
        for (BackupManifest.FileEntry f : m.files()) {
            out.put(f.path(), f);
        }
        return out;
    }

    private Path checkDataDirectory(PgSession pg) {
        String serverDir = pg.dataDirectory();
        Path given = dataDirectory.toAbsolutePath().normalize();
        if (!Files.isDirectory(given)) {
            throw new InvalidRequestException("Cannot back up " + given + ": no such directory (HINT: give the server's "
                    + "data directory, which is " + serverDir + ")");
        }
        try {
            if (!Files.isSameFile(given, Path.of(serverDir))) {
                throw new InvalidRequestException("Cannot back up " + given + ": it is not the data directory of the server at "
                        + connection + ", which is " + serverDir + " (HINT: pass " + serverDir + " or point PGHOST/PGPORT at "
                        + "the server that owns " + given + ")");
            }
        } catch (IOException e) {
            throw new InvalidRequestException("Cannot back up " + given + ": cannot compare it with the server's data "
                    + "directory " + serverDir + " (" + e.getMessage() + "; HINT: run on the database host, as a user "
                    + "that can read the data directory)", e);
        }
        return given;
    }

    private static long readControlSystemIdentifier(Path dataDir) {
        Path control = dataDir.resolve("global/pg_control");
        try (InputStream in = Files.newInputStream(control)) {
            byte[] b = in.readNBytes(8);
            if (b.length < 8) {
                throw new InvalidRequestException(control + " is too short to be a pg_control file");
            }
            return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
        } catch (IOException e) {
            throw new InvalidRequestException("Cannot read " + control + ": " + e.getMessage()
                    + " (HINT: is this a PostgreSQL data directory, readable by this user?)", e);
        }
    }

    private static Set<String> statsTempDir(PgSession pg) {
        String dir = pg.queryString("SELECT current_setting('stats_temp_directory')");
        return dir.startsWith("/") ? Set.of() : Set.of(dir);
    }

    private static TimelineId labelTimeline(String label, TimelineId fallback) {
        Matcher m = START_TIMELINE.matcher(label);
        return m.find() ? TimelineId.of(Long.parseLong(m.group(1))) : fallback;
    }

    private void writeParts(String prefix, List<SourceFile> entries, List<BackupManifest.Part> parts,
                            List<BackupManifest.FileEntry> files, BackupContext context) {
        List<List<SourceFile>> plan = new ArrayList<>();
        List<SourceFile> current = new ArrayList<>();
        long currentSize = 0;
        for (SourceFile f : entries) {
            if (f.directory()) {
                continue;
            }
            if (!current.isEmpty() && currentSize + f.size() > settings.partSizeThreshold()) {
                plan.add(current);
                current = new ArrayList<>();
                currentSize = 0;
            }
            current.add(f);
            currentSize += f.size() + 512;
        }
        if (!current.isEmpty()) {
            plan.add(current);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.concurrency(), Math.max(1, plan.size())),
                Workers.named("walkeeper-backup-part"));
        try {
            List<Future<PartWriter.Written>> futures = new ArrayList<>();
            for (int i = 0; i < plan.size(); i++) {
                String partName = String.format("part_%04d", i + 1);
                List<SourceFile> chunk = plan.get(i);
                futures.add(pool.submit(() -> new PartWriter(repository, prefix, context).write(partName, chunk)));
            }
            for (Future<PartWriter.Written> f : futures) {
                PartWriter.Written w = await(f);
                parts.add(w.part());
                files.addAll(w.files());
            }
        } finally {
            Workers.stopAndWait(pool);
        }
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WalKeeperException(ErrorCode.INTERRUPTED, "Backup interrupted; no manifest was written", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof WalKeeperException w) {
                throw w;
            }
            throw new StorageException("Backup part failed: " + c, c);
        }
    }

    /**
     * Just before the manifest makes a delta visible: its parent, chosen when the backup began,
     * must still be in the repository, which retention run at the same time could have removed.
     * (The WAL the backup needs was just found by {@link #waitForWal}.) Without the parent the
     * delta would be listed but could not be restored.
     */
    private void checkParentStillThere(String name, BackupManifest parent) {
        if (parent != null && repository.readManifest(parent.name()).isEmpty()) {
            throw new ConflictException("Backup " + name + " is not usable: its parent " + parent.name() + " was deleted "
                    + "while it ran (retention at the same time?); nothing was listed (HINT: take the backup again)");
        }
    }

    @Override
    public RetentionResult applyRetention(RetentionPolicy policy, boolean dryRun) {
        if (policy == null) {
            throw new InvalidRequestException("A retention policy is required");
        }
        List<BackupInfo> all = list();
        refuseUnreadableManifests(all);
        List<String> walKeys;
        try (Stream<BlobInfo> s = repository.store().list(RepositoryLayout.WAL_PREFIX)) {
            walKeys = s.map(BlobInfo::key).toList();
        }
        List<BackupLease> running = new ArrayList<>();
        List<String> expired = new ArrayList<>();
        Instant now = Instant.now();
        for (BackupLease lease : repository.leases()) {
            if (lease.expired(now, settings.leaseTimeout())) {
                LOG.warn("Ignoring the lease of {}: not renewed for more than {} s, so its backup is taken for dead "
                        + "(HINT: if it still runs, it will fail before listing itself; remove backups/{}.lease and the "
                        + "parts under backups/{}/ once you are sure)", lease, settings.leaseTimeout().toSeconds(),
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
            for (BackupInfo b : plan.deleted()) {
                // the manifest first: from then on the backup is not listed, whatever happens to its parts
                repository.store().delete(List.of(RepositoryLayout.manifestKey(b.name())));
                List<String> parts;
                try (Stream<BlobInfo> s = repository.store().list(RepositoryLayout.backupPrefix(b.name()))) {
                    parts = new ArrayList<>(s.map(BlobInfo::key).toList());
                }
                parts.add(RepositoryLayout.manifestSignatureKey(b.name()));
                repository.store().delete(parts);
                LOG.info("Deleted backup {} ({} objects)", b.name(), parts.size() + 1);
            }
            for (int from = 0; from < plan.walKeys().size(); from += 1000) {
                repository.store().delete(plan.walKeys().subList(from, Math.min(plan.walKeys().size(), from + 1000)));
            }
        }
        return new RetentionResult(dryRun, plan.kept(), plan.deleted(), plan.oldestKeptSegment(), plan.walKeys().size(),
                running.stream().map(BackupLease::name).toList(), expired);
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
                repository.readManifest(name);
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

    private void waitForWal(WalSegmentName first, WalSegmentName last, boolean standby) {
        Instant deadline = Instant.now().plus(settings.walArchiveTimeout());
        WalSegmentName next = first;
        while (next.compareTo(last) <= 0) {
            if (repository.findWal(next.toString()).isPresent()) {
                next = next.next();
                continue;
            }
            if (Instant.now().isAfter(deadline) && standby) {
                throw new PostgresException("Backup taken on a standby is not usable: WAL segment " + next + ", which it "
                        + "needs, did not reach the archive within " + settings.walArchiveTimeout().toSeconds() + " s. A standby "
                        + "does not switch WAL segments: the primary archives a segment once it is full or switched; nothing "
                        + "was listed (HINT: set archive_timeout on the primary (e.g. 60s) so that it switches segments when "
                        + "writes are few, or run SELECT pg_switch_wal() on the primary during the backup, and allow the "
                        + "backup more time to wait for WAL)");
            }
            if (Instant.now().isAfter(deadline)) {
                throw new PostgresException("Backup is not usable: WAL segment " + next + " did not reach the archive within "
                        + settings.walArchiveTimeout().toSeconds() + " s (HINT: check that archive_command runs "
                        + "'walkeeper wal-push %p' with this storage, and look for archiver errors in the server log)");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WalKeeperException(ErrorCode.INTERRUPTED, "Interrupted while waiting for WAL " + next, e);
            }
        }
    }

    /**
     * After the manifest write reported a failure: if the manifest is stored (the write landed but
     * its success was lost), the backup is complete; if it cannot be told, nothing may be deleted,
     * since a stored manifest must never point at removed parts.
     */
    private Optional<BackupInfo> manifestLanded(BackupManifest ours, Exception failure) {
        Optional<BackupManifest> stored;
        try {
            stored = repository.readManifest(ours.name());
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            throw new StorageException("Backup " + ours.name() + ": writing its manifest failed (" + failure.getMessage()
                    + ") and the repository cannot tell whether it was stored, so its parts are kept (HINT: run backup-list "
                    + "once the storage answers: if " + ours.name() + " is listed it is complete; otherwise delete backups/"
                    + ours.name() + "/)", failure);
        }
        if (stored.isPresent() && stored.get().parts().equals(ours.parts())) {
            LOG.info("Backup {}: its manifest was stored although the write reported {}; the backup is complete",
                    ours.name(), failure.toString());
            return Optional.of(stored.get().toInfo());
        }
        if (stored.isPresent()) {
            LOG.error("Backup {}: a different manifest of that name is stored; nothing is deleted", ours.name());
            throw failure instanceof RuntimeException r ? r : new StorageException(failure.getMessage(), failure);
        }
        return Optional.empty();
    }

    /** After a failure: removes the objects this run created, and nothing else (its lease still reserves the name). */
    private void removeCreated(List<String> keys) {
        try {
            repository.store().delete(keys);
        } catch (RuntimeException e) {
            LOG.warn("Could not remove the parts of the failed backup ({}): {}", keys, e.getMessage());
        }
    }

    @Override
    public List<BackupInfo> list() {
        return repository.manifests().stream().map(BackupManifest::toInfo).toList();
    }

    @Override
    public Optional<BackupInfo> find(String name) {
        return repository.readManifest(name).map(BackupManifest::toInfo);
    }

    @Override
    public BackupInfo select(BackupSelector selector) {
        return selectManifest(repository, selector).toInfo();
    }

    /**
     * Chooses a backup's manifest.
     *
     * @param repository the repository
     * @param selector what to choose
     * @return the manifest
     * @throws NotFoundException if nothing matches
     */
    public static BackupManifest selectManifest(Repository repository, BackupSelector selector) {
        if (selector.name() != null) {
            return repository.readManifest(selector.name()).orElseThrow(() -> new NotFoundException("No completed backup named '"
                    + selector.name() + "' in " + repository.store().location() + " (HINT: backup-list shows the names)"));
        }
        List<BackupManifest> all = new ArrayList<>(repository.manifests());
        if (selector.target() != null) {
            var t = selector.target();
            if (t.time() != null) {
                all.removeIf(m -> !Instant.parse(m.finishTime()).isBefore(t.time()));
            } else if (t.lsn() != null) {
                all.removeIf(m -> Lsn.parse(m.stopLsn()).compareTo(t.lsn()) > 0);
            }
        }
        return all.stream().max(Comparator.comparing(BackupManifest::finishTime))
                .orElseThrow(() -> new NotFoundException("No completed backup " + (selector.target() != null
                        ? "that finished before " + selector.target() : "") + " in " + repository.store().location()
                        + " (HINT: take one with backup-push)"));
    }
}
