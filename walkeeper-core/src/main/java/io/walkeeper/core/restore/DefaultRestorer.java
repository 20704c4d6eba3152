package io.walkeeper.core.restore;

import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.DrillReport;
import io.walkeeper.api.DrillRequest;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.ProgressListener;
import io.walkeeper.api.RecoveryTarget;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.RestoreResult;
import io.walkeeper.api.Restorer;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.VerificationResult;
import io.walkeeper.api.WalSegmentName;
import io.walkeeper.core.backup.BackupCatalogue;
import io.walkeeper.core.drill.DrillReports;
import io.walkeeper.core.drill.RestoreDrill;
import io.walkeeper.core.io.ProgressTicker;
import io.walkeeper.core.io.Workers;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Restores a full backup into an empty directory: downloads and verifies parts in parallel,
 * {@code pg_control} last, writes {@code backup_label} and {@code tablespace_map}, and configures
 * recovery ({@code recovery.signal} or {@code standby.signal} plus settings appended to
 * {@code postgresql.auto.conf}). On any failure everything it wrote is removed.
 *
 * <p>Over 300 lines because it orchestrates the whole restore (selection, verification,
 * download workers, recovery settings, clean-up); files, recovery text and targets are in
 * {@link RestoreFiles}, {@code RecoveryConfig} and {@link RestoreTargets}.
 */
public final class DefaultRestorer implements Restorer {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultRestorer.class);

    private static final String PG_CONTROL = "global/pg_control";
    /** Suffix of pg_control while the restore runs; renamed to its name as the restore's last step. */
    static final String PENDING = ".walkeeper-pending";
    /** Signal files a backup of a standby or of a recovering cluster may hold (older backups did copy them): never restored. */
    private static final Set<String> SIGNAL_FILES = Set.of("standby.signal", "recovery.signal");

    private final Repository repository;
    private final int concurrency;
    private final Supplier<RestoreFiles> filesFactory;

    /**
     * Creates a restorer.
     *
     * @param repository where backups live
     * @param concurrency parts downloaded at once
     */
    public DefaultRestorer(Repository repository, int concurrency) {
        this(repository, concurrency, RestoreFiles::new);
    }

    /** For tests: a restorer whose file system operations can be observed. */
    DefaultRestorer(Repository repository, int concurrency, Supplier<RestoreFiles> filesFactory) {
        this.repository = repository;
        this.concurrency = Math.max(1, concurrency);
        this.filesFactory = filesFactory;
    }

    @Override
    public RestoreResult restore(RestoreRequest request, ProgressListener listener) {
        Instant started = Instant.now();
        BackupManifest selected = new BackupCatalogue(repository).selectHeader(selectorFor(request));
        refuseIfAfterTarget(selected, request);
        BackupManifest manifest = repository.readTrustedManifest(selected.name(), request.acceptUnsignedManifests());
        List<BackupManifest> chain = chain(manifest, request.acceptUnsignedManifests());
        RestoreTargets targets = RestoreTargets.of(manifest, request);
        manifest.files().forEach(f -> targets.resolve(f.path())); // every path is checked before anything is written
        Path target = targets.dataDirectory();
        RestoreFiles files = filesFactory.get();
        try {
            files.claim(target, "target directory", manifest.name());
            for (Path ts : targets.tablespaceDirectories()) {
                files.claim(ts, "tablespace directory", manifest.name());
            }
            LOG.info("Restoring backup {} into {}", manifest.name(), target);
            LaidDown done;
            long bytesTotal = manifest.files().stream().filter(f -> !f.isDirectory()).mapToLong(FileEntry::size).sum();
            long filesTotal = manifest.files().stream().filter(f -> !f.isDirectory()).count();
            Counted counted = new Counted();
            try (ProgressTicker ticker = new ProgressTicker("restore", manifest.name(), listener, counted.bytes::get,
                    bytesTotal, counted.files::get, filesTotal)) {
                done = layDown(chain, request, targets, files, counted);
                ticker.finish();
            }
            files.release();
            RestoreResult result = new RestoreResult(manifest.toInfo(), target, done.files(), done.bytes(),
                    Duration.between(started, Instant.now()), done.settings());
            LOG.info("Restored {} files ({} bytes) of {} in {} ms", result.files(), result.bytes(), manifest.name(),
                    result.elapsed().toMillis());
            return result;
        } catch (RuntimeException | IOException | Error e) {
            // an Error too (out of memory, most likely): what the restore wrote is removed, so the
            // target can be restored into again
            files.undo();
            if (e instanceof IOException io) {
                throw new StorageException("Cannot restore " + manifest.name() + " into " + target + ": " + io.getMessage(), io);
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * The recovery target is given once, in the request: {@link BackupSelector#latest()} with a
     * time or LSN target means the newest backup that finished before it (a backup that ends
     * after the target cannot reach it; PostgreSQL would refuse to start).
     */
    static BackupSelector selectorFor(RestoreRequest request) {
        return BackupCatalogue.selectorFor(request.backup(), request.recoveryTarget());
    }

    /** A backup chosen by name must end before a time or LSN target, or recovery cannot reach the target. */
    private static void refuseIfAfterTarget(BackupManifest m, RestoreRequest request) {
        RecoveryTarget t = request.recoveryTarget();
        if (request.backup().name() == null) {
            return;
        }
        if (t.lsn() != null && m.stopLsn().compareTo(t.lsn()) > 0) {
            throw new InvalidRequestException("Cannot recover backup " + m.name() + " to LSN " + t.lsn() + ": the backup ends "
                    + "at " + m.stopLsn() + ", after the target (HINT: select the latest backup, which then means the newest "
                    + "one before the target, or an older backup); nothing was changed");
        }
        if (t.time() != null && !m.finishTime().isBefore(t.time())) {
            throw new InvalidRequestException("Cannot recover backup " + m.name() + " to " + t.time() + ": the backup "
                    + "finished at " + m.finishTime() + ", not before the target (HINT: select the latest backup, which then "
                    + "means the newest one that finished before the target, or an older backup); nothing was changed");
        }
    }

    @Override
    public VerificationResult verify(BackupSelector selector) {
        return verify(selector, false);
    }

    @Override
    public VerificationResult verify(BackupSelector selector, boolean acceptUnsignedManifests) {
        BackupManifest manifest = new BackupCatalogue(repository).select(selector);
        List<String> problems = new ArrayList<>();
        List<BackupManifest> chain;
        try {
            manifest = repository.readTrustedManifest(manifest.name(), acceptUnsignedManifests);
            chain = chain(manifest, acceptUnsignedManifests);
        } catch (IntegrityException e) {
            problems.add(e.getMessage());
            chain = List.of(manifest);
        }
        int parts = 0;
        long bytes = 0;
        for (BackupManifest level : chain) {
            Map<String, Map<String, FileEntry>> byPart = byPart(level);
            String prefix = RepositoryLayout.backupPrefix(level.name());
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, Math.max(1, level.parts().size())),
                    Workers.named("walkeeper-verify-part"));
            try {
                List<Future<Long>> futures = new ArrayList<>();
                for (BackupManifest.Part p : level.parts()) {
                    PartExtractor x = new PartExtractor(repository, prefix, byPart.getOrDefault(p.key(), Map.of()), null);
                    futures.add(pool.submit(() -> x.verify(p)));
                }
                for (Future<Long> f : futures) {
                    try {
                        bytes += Workers.await(f, "Verifying a backup part", "the verification is incomplete");
                        parts++;
                    } catch (IntegrityException | NotFoundException e) {
                        problems.add(e.getMessage().replace("; the restore was undone", ""));
                    }
                }
            } finally {
                Workers.stopAndWait(pool);
            }
        }
        int segments = 0;
        WalSegmentName stop = WalSegmentName.parse(manifest.stopWalSegment(), manifest.walSegmentSize());
        for (WalSegmentName s = WalSegmentName.parse(manifest.startWalSegment(), manifest.walSegmentSize());
             s.compareTo(stop) <= 0; s = s.next()) {
            segments++;
            if (repository.findWal(s.toString()).isEmpty()) {
                problems.add("WAL segment " + s + ", which recovery from " + manifest.name() + " needs to reach a "
                        + "consistent state, is not in the archive " + repository.store().location());
            }
        }
        VerificationResult result = new VerificationResult(manifest.name(), chain.stream().map(BackupManifest::name).toList(),
                parts, bytes, segments, problems);
        if (result.ok()) {
            LOG.info("Backup {} verified: {} parts ({} bytes) of {} backup(s), {} WAL segment(s) in the archive",
                    manifest.name(), parts, bytes, chain.size(), segments);
        } else {
            LOG.warn("Backup {} is not restorable: {}", manifest.name(), problems);
        }
        return result;
    }

    @Override
    public DrillReport drill(DrillRequest request) {
        return new RestoreDrill(repository, this, request).run();
    }

    @Override
    public Map<String, DrillReport> lastDrills() {
        return new DrillReports(repository).last();
    }

    private record LaidDown(Map<String, String> settings, long files, long bytes) {
    }

    /**
     * Resolves a backup to its chain, newest first, ending with the full backup.
     *
     * @throws IntegrityException if a parent is missing or does not belong with its child
     */
    private List<BackupManifest> chain(BackupManifest newest, boolean acceptUnsigned) {
        List<BackupManifest> chain = new ArrayList<>();
        chain.add(newest);
        BackupManifest m = newest;
        while (m.kind() != BackupKind.FULL) {
            BackupManifest child = m;
            if (chain.size() > 10_000) {
                throw new IntegrityException("The chain of delta backups ending in " + newest.name() + " does not end");
            }
            try {
                m = repository.readTrustedManifest(child.parent(), acceptUnsigned);
            } catch (NotFoundException e) {
                throw new IntegrityException("Cannot restore " + newest.name() + ": its chain needs backup " + child.parent()
                        + " (parent of " + child.name() + "), which is not in " + repository.store().location()
                        + " (HINT: restore an older full backup, or one whose chain is complete)", e);
            }
            if (!m.systemIdentifier().equals(child.systemIdentifier()) || m.blockSize() != child.blockSize()) {
                throw new IntegrityException("Cannot restore " + newest.name() + ": its parent " + m.name()
                        + " belongs to another cluster or page size");
            }
            chain.add(m);
        }
        if (chain.size() > 1) {
            LOG.info("Backup {} is a delta: restoring the chain {}", newest.name(),
                    chain.stream().map(BackupManifest::name).toList());
        }
        return chain;
    }

    /**
     * Lays the chain down durably: data files (each synced by the thread that wrote it), then the
     * directories bottom-up, then {@code tablespace_map}, the recovery settings, the signal file
     * and {@code backup_label}, and {@code global/pg_control} last, renamed into place once all
     * else is on disk. A data directory without pg_control cannot be started, so a crash at any
     * earlier point leaves one PostgreSQL refuses, never one that starts without its backup_label
     * and skips the WAL the backup needs.
     */
    /** What a restore has written so far, for progress: bytes, and the files opened. */
    private static final class Counted {
        final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong files = new java.util.concurrent.atomic.AtomicLong();
    }

    private LaidDown layDown(List<BackupManifest> chain, RestoreRequest request, RestoreTargets targets,
                             RestoreFiles files, Counted counted) throws IOException {
        BackupManifest manifest = chain.get(0);
        Path target = targets.dataDirectory();
        Map<String, FileEntry> finalFiles = new LinkedHashMap<>();
        List<Path> directories = new ArrayList<>();
        for (FileEntry f : manifest.files()) {
            if (f.isDirectory()) {
                Path dir = targets.resolve(f.path());
                files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, Modes.toPermissions(f.mode() & 0750 | 0700));
                directories.add(dir);
            } else if (!SIGNAL_FILES.contains(f.path())) {
                finalFiles.put(f.path(), f);
            }
        }
        if (!finalFiles.containsKey(PG_CONTROL)) {
            throw new IntegrityException("Manifest of " + manifest.name() + " lists no global/pg_control");
        }
        FileAssembler assembler = new FileAssembler(manifest.blockSize(),
                new FileBlockWriter(targets::resolve, finalFiles::get, files, counted), counted.files::incrementAndGet);
        finalFiles.forEach((p, f) -> {
            if (!PG_CONTROL.equals(p)) {
                assembler.expect(p, f.size());
            }
        });
        BackupManifest.Part controlPart = null;
        for (BackupManifest level : chain) {
            Map<String, Map<String, FileEntry>> byPart = byPart(level);
            List<BackupManifest.Part> needed = new ArrayList<>();
            for (BackupManifest.Part p : level.parts()) {
                Map<String, FileEntry> held = byPart.getOrDefault(p.key(), Map.of());
                if (level == manifest && held.containsKey(PG_CONTROL)) {
                    controlPart = p;
                } else if (held.keySet().stream().anyMatch(assembler::needed)) {
                    needed.add(p);
                }
            }
            LOG.debug("Backup {}: {} of {} parts hold blocks still needed", level.name(), needed.size(), level.parts().size());
            extractAll(level, needed, byPart, assembler);
        }
        List<String> missing = assembler.finish();
        if (!missing.isEmpty()) {
            throw new IntegrityException("Cannot restore " + manifest.name() + ": its chain holds no copy of "
                    + missing.size() + " file(s), e.g. " + missing.subList(0, Math.min(5, missing.size()))
                    + " (HINT: the chain is damaged; restore from another full backup)");
        }
        if (controlPart == null) {
            throw new IntegrityException("Manifest of " + manifest.name() + " lists no part holding global/pg_control");
        }
        Path control = targets.resolve(PG_CONTROL);
        Path controlPending = control.resolveSibling("pg_control" + PENDING);
        FileAssembler controlAssembler = new FileAssembler(manifest.blockSize(),
                new FileBlockWriter(p -> controlPending, finalFiles::get, files, counted), counted.files::incrementAndGet);
        controlAssembler.expect(PG_CONTROL, finalFiles.get(PG_CONTROL).size());
        new PartExtractor(repository, RepositoryLayout.backupPrefix(manifest.name()),
                byPart(manifest).get(controlPart.key()), controlAssembler).extract(controlPart);
        if (!controlAssembler.finish().isEmpty()) {
            throw new IntegrityException("Backup " + manifest.name() + " part " + controlPart.key() + " does not hold global/pg_control");
        }
        // every file on disk, with the time and mode the backup recorded (set before each sync),
        // before its directories, the recovery files and pg_control
        files.awaitSyncs();
        long bytes = finalFiles.values().stream().mapToLong(FileEntry::size).sum();

        files.createDirectories(target.resolve("pg_wal/archive_status"));
        directories.add(target.resolve("pg_wal"));
        directories.add(target.resolve("pg_wal/archive_status"));
        if (manifest.pgVersionNum() >= 170000) {
            files.createDirectories(target.resolve("pg_wal/summaries"));
            directories.add(target.resolve("pg_wal/summaries"));
        }
        for (var ts : targets.tablespaces().entrySet()) {
            Path link = target.resolve("pg_tblspc").resolve(ts.getKey());
            files.createDirectories(link.getParent());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, ts.getValue());
            directories.add(link.getParent());
        }
        directories.addAll(targets.tablespaceDirectories());
        directories.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path dir : new LinkedHashSet<>(directories)) {
            files.syncDirectory(dir);
        }
        String map = targets.tablespaceMap();
        if (!map.isEmpty()) {
            files.writeFile(target.resolve("tablespace_map"), map, false);
        }
        Map<String, String> settings = RecoveryConfig.settings(request);
        RecoveryConfig.write(target, manifest.name(), settings, request.standby(), files);
        files.writeFile(target.resolve("backup_label"), manifest.backupLabel(), false);
        files.syncDirectory(target);
        files.commit(controlPending, control);
        Files.setPosixFilePermissions(target, Modes.toPermissions(0700));
        return new LaidDown(settings, finalFiles.size(), bytes);
    }

    private static Map<String, Map<String, FileEntry>> byPart(BackupManifest m) {
        Map<String, Map<String, FileEntry>> byPart = new HashMap<>();
        for (FileEntry f : m.files()) {
            if (f.isDirectory() || f.part() == null) {
                continue;
            }
            if (f.chunks() == null) {
                byPart.computeIfAbsent(f.part(), k -> new HashMap<>()).put(f.path(), f);
            } else {
                for (FileEntry.Chunk c : f.chunks()) {
                    byPart.computeIfAbsent(c.part(), k -> new HashMap<>()).put(f.path(), f);
                }
            }
        }
        return byPart;
    }

    private void extractAll(BackupManifest level, List<BackupManifest.Part> parts,
                            Map<String, Map<String, FileEntry>> byPart, FileAssembler assembler) {
        if (parts.isEmpty()) {
            return;
        }
        String prefix = RepositoryLayout.backupPrefix(level.name());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, parts.size()),
                Workers.named("walkeeper-restore-part"));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (BackupManifest.Part p : parts) {
                PartExtractor x = new PartExtractor(repository, prefix, byPart.getOrDefault(p.key(), Map.of()), assembler);
                futures.add(pool.submit(() -> x.extract(p)));
            }
            for (Future<?> f : futures) {
                Workers.await(f, "Reading a backup part", "a restore removes what it wrote");
            }
        } finally {
            Workers.stopAndWait(pool);
        }
    }

    /**
     * Writes files under the restore target: created 0600, handed over to be synced once closed,
     * with the modification time and mode the backup recorded.
     */
    private static final class FileBlockWriter implements BlockWriter {
        private final PartExtractor.PathResolver resolver;
        private final Function<String, FileEntry> entries;
        private final RestoreFiles files;
        private final Counted counted;

        FileBlockWriter(PartExtractor.PathResolver resolver, Function<String, FileEntry> entries, RestoreFiles files,
                        Counted counted) {
            this.resolver = resolver;
            this.entries = entries;
            this.files = files;
            this.counted = counted;
        }

        @Override
        public Target open(String path) throws IOException {
            Path p = resolver.resolve(path);
            FileChannel ch;
            try {
                ch = files.open(p);
            } catch (IOException e) {
                throw new TargetWriteException("Cannot create " + p + ": " + e.getMessage(), e);
            }
            return new Target() {
                @Override
                public void write(long position, byte[] data, int offset, int length) throws IOException {
                    counted.bytes.addAndGet(length);
                    ByteBuffer b = ByteBuffer.wrap(data, offset, length);
                    long at = position;
                    try {
                        while (b.hasRemaining()) {
                            at += ch.write(b, at);
                        }
                    } catch (IOException e) {
                        throw new TargetWriteException("Cannot write " + p + ": " + e.getMessage(), e);
                    }
                }

                @Override
                public void close() throws IOException {
                    try {
                        ch.close();
                        FileEntry entry = entries.apply(path);
                        files.syncLater(p, entry == null ? null : FileTime.from(entry.mtime()),
                                entry == null ? null : Modes.toPermissions(entry.mode() & 0750 | 0600));
                    } catch (IOException e) {
                        throw e instanceof TargetWriteException ? e : new TargetWriteException(e.getMessage(), e);
                    }
                }
            };
        }
    }

}
