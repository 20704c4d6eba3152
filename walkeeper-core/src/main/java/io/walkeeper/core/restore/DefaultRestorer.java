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
import io.walkeeper.core.repo.FileListIndex;
import io.walkeeper.core.repo.IndexedManifest;
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
import java.util.HashSet;
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
        // each backup of the chain is read with its file list indexed on disk, not held on the heap
        List<IndexedManifest> chain = indexedChain(selected.name(), request.acceptUnsignedManifests());
        try {
            return restore(chain, request, listener, started);
        } finally {
            chain.forEach(IndexedManifest::close);
        }
    }

    private RestoreResult restore(List<IndexedManifest> chain, RestoreRequest request, ProgressListener listener,
                                  Instant started) {
        IndexedManifest newest = chain.get(0);
        BackupManifest manifest = newest.header();
        RestoreTargets targets = RestoreTargets.of(manifest, request);
        long[] totals = new long[2];
        newest.files().forEach(f -> {
            targets.resolve(f.path()); // every path is checked before anything is written
            if (!f.isDirectory()) {
                totals[0] += f.size();
                totals[1]++;
            }
        });
        Path target = targets.dataDirectory();
        RestoreFiles files = filesFactory.get();
        try {
            files.claim(target, "target directory", manifest.name());
            for (Path ts : targets.tablespaceDirectories()) {
                files.claim(ts, "tablespace directory", manifest.name());
            }
            LOG.info("Restoring backup {} into {}", manifest.name(), target);
            LaidDown done;
            Counted counted = new Counted();
            try (ProgressTicker ticker = new ProgressTicker("restore", manifest.name(), listener, counted.bytes::get,
                    totals[0], counted.files::get, totals[1])) {
                done = layDown(chain, request, targets, files, counted);
                ticker.finish();
            }
            files.release();
            RestoreResult result = new RestoreResult(newest.summary().toInfo(), target, done.files(), done.bytes(),
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
        BackupManifest manifest = new BackupCatalogue(repository).selectHeader(selector);
        String name = manifest.name();
        List<String> problems = new ArrayList<>();
        List<IndexedManifest> chain = new ArrayList<>();
        int parts = 0;
        long bytes = 0;
        try {
            try {
                chain = indexedChain(name, acceptUnsignedManifests);
            } catch (IntegrityException e) {
                problems.add(e.getMessage());
                // the parts are still checked against what the manifest lists, trusted or not
                chain = new ArrayList<>(List.of(repository.readManifestIndexed(name)
                        .orElseThrow(() -> new NotFoundException("Backup " + name + " in "
                                + repository.store().location() + " was deleted while it was being verified"))));
            }
            manifest = chain.get(0).header();
            for (IndexedManifest level : chain) {
                ExecutorService pool = Executors.newFixedThreadPool(
                        Math.min(concurrency, Math.max(1, level.header().parts().size())),
                        Workers.named("walkeeper-verify-part"));
                try {
                    List<Future<Long>> futures = new ArrayList<>();
                    for (BackupManifest.Part p : level.header().parts()) {
                        PartExtractor x = partExtractor(level, p, null);
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
        } finally {
            chain.forEach(IndexedManifest::close);
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
        VerificationResult result = new VerificationResult(manifest.name(),
                chain.stream().map(level -> level.header().name()).toList(),
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
     * Resolves a backup to its chain, newest first, ending with the full backup, each backup with
     * its file list indexed on disk; all are closed if one cannot be read.
     *
     * @throws IntegrityException if a parent is missing or does not belong with its child
     */
    private List<IndexedManifest> indexedChain(String newest, boolean acceptUnsigned) {
        List<IndexedManifest> chain = new ArrayList<>();
        try {
            chain.add(repository.readTrustedManifestIndexed(newest, acceptUnsigned));
            extendChain(chain, IndexedManifest::header, name -> repository.readTrustedManifestIndexed(name, acceptUnsigned));
            return chain;
        } catch (RuntimeException | Error e) {
            chain.forEach(IndexedManifest::close);
            throw e;
        }
    }

    /**
     * Adds to a chain holding its newest backup each parent, down to the full backup.
     *
     * @throws IntegrityException if a parent is missing or does not belong with its child
     */
    private <T> void extendChain(List<T> chain, Function<T, BackupManifest> header, Function<String, T> read) {
        BackupManifest newest = header.apply(chain.get(0));
        BackupManifest m = newest;
        while (m.kind() != BackupKind.FULL) {
            BackupManifest child = m;
            if (chain.size() > 10_000) {
                throw new IntegrityException("The chain of delta backups ending in " + newest.name() + " does not end");
            }
            T parent;
            try {
                parent = read.apply(child.parent());
            } catch (NotFoundException e) {
                throw new IntegrityException("Cannot restore " + newest.name() + ": its chain needs backup " + child.parent()
                        + " (parent of " + child.name() + "), which is not in " + repository.store().location()
                        + " (HINT: restore an older full backup, or one whose chain is complete)", e);
            }
            chain.add(parent);
            m = header.apply(parent);
            if (!m.systemIdentifier().equals(child.systemIdentifier()) || m.blockSize() != child.blockSize()) {
                throw new IntegrityException("Cannot restore " + newest.name() + ": its parent " + m.name()
                        + " belongs to another cluster or page size");
            }
        }
        if (chain.size() > 1) {
            LOG.info("Backup {} is a delta: restoring the chain {}", newest.name(),
                    chain.stream().map(c -> header.apply(c).name()).toList());
        }
    }

    /** What a restore has written so far, for progress: bytes, and the files opened. */
    private static final class Counted {
        final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong files = new java.util.concurrent.atomic.AtomicLong();
    }

    /**
     * Lays the chain down durably: data files (each synced by the thread that wrote it), then the
     * directories bottom-up, then {@code tablespace_map}, the recovery settings, the signal file
     * and {@code backup_label}, and {@code global/pg_control} last, renamed into place once all
     * else is on disk. A data directory without pg_control cannot be started, so a crash at any
     * earlier point leaves one PostgreSQL refuses, never one that starts without its backup_label
     * and skips the WAL the backup needs.
     */
    private LaidDown layDown(List<IndexedManifest> chain, RestoreRequest request, RestoreTargets targets,
                             RestoreFiles files, Counted counted) throws IOException {
        IndexedManifest newest = chain.get(0);
        BackupManifest manifest = newest.header();
        Path target = targets.dataDirectory();
        FileListIndex finalFiles = newest.files();
        List<Path> directories = new ArrayList<>();
        FileAssembler assembler = new FileAssembler(finalFiles.size(), finalFiles::indexOf,
                n -> finalFiles.get(n).path(), manifest.blockSize(),
                new FileBlockWriter(targets::resolve, finalFiles::find, files, counted), counted.files::incrementAndGet);
        long[] laid = new long[2];
        FileEntry[] controlEntry = new FileEntry[1];
        int[] number = {0}; // forEach hands the entries over in the order of their numbers
        try {
            finalFiles.forEach(f -> {
                int n = number[0]++;
                if (f.isDirectory()) {
                    Path dir = targets.resolve(f.path());
                    try {
                        files.createDirectories(dir);
                        Files.setPosixFilePermissions(dir, Modes.toPermissions(f.mode() & 0750 | 0700));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    directories.add(dir);
                } else if (!SIGNAL_FILES.contains(f.path())) {
                    laid[0]++;
                    laid[1] += f.size();
                    if (PG_CONTROL.equals(f.path())) {
                        controlEntry[0] = f;
                    } else {
                        assembler.expect(n, f.size());
                    }
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        if (controlEntry[0] == null) {
            throw new IntegrityException("Manifest of " + manifest.name() + " lists no global/pg_control");
        }
        String controlPart = controlEntry[0].part();
        for (IndexedManifest level : chain) {
            // the parts of this backup that hold blocks still needed: one pass over its file list
            Set<String> wanted = new HashSet<>();
            level.files().forEach(f -> {
                if (!f.isDirectory() && f.part() != null && assembler.needed(f.path())) {
                    if (f.chunks() == null) {
                        wanted.add(f.part());
                    } else {
                        f.chunks().forEach(c -> wanted.add(c.part()));
                    }
                }
            });
            List<BackupManifest.Part> needed = level.header().parts().stream()
                    .filter(p -> wanted.contains(p.key()) && !(level == newest && p.key().equals(controlPart))).toList();
            LOG.debug("Backup {}: {} of {} parts hold blocks still needed", level.header().name(), needed.size(),
                    level.header().parts().size());
            extractAll(level, needed, assembler);
        }
        List<String> missing = assembler.finish();
        if (!missing.isEmpty()) {
            throw new IntegrityException("Cannot restore " + manifest.name() + ": its chain holds no copy of "
                    + missing.size() + " file(s), e.g. " + missing.subList(0, Math.min(5, missing.size()))
                    + " (HINT: the chain is damaged; restore from another full backup)");
        }
        BackupManifest.Part controlHolder = manifest.parts().stream().filter(p -> p.key().equals(controlPart)).findFirst()
                .orElseThrow(() -> new IntegrityException("Manifest of " + manifest.name()
                        + " lists no part holding global/pg_control"));
        Path control = targets.resolve(PG_CONTROL);
        Path controlPending = control.resolveSibling("pg_control" + PENDING);
        FileAssembler controlAssembler = new FileAssembler(1, p -> PG_CONTROL.equals(p) ? 0 : -1, n -> PG_CONTROL,
                manifest.blockSize(), new FileBlockWriter(p -> controlPending, finalFiles::find, files, counted),
                counted.files::incrementAndGet);
        controlAssembler.expect(0, controlEntry[0].size());
        partExtractor(newest, controlHolder, controlAssembler).extract(controlHolder);
        if (!controlAssembler.finish().isEmpty()) {
            throw new IntegrityException("Backup " + manifest.name() + " part " + controlPart + " does not hold global/pg_control");
        }
        // every file on disk, with the time and mode the backup recorded (set before each sync),
        // before its directories, the recovery files and pg_control
        files.awaitSyncs();
        long bytes = laid[1];

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
        return new LaidDown(settings, laid[0], bytes);
    }

    private void extractAll(IndexedManifest level, List<BackupManifest.Part> parts, FileAssembler assembler) {
        if (parts.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, parts.size()),
                Workers.named("walkeeper-restore-part"));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (BackupManifest.Part p : parts) {
                PartExtractor x = partExtractor(level, p, assembler);
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
     * An extractor of one part of a backup whose file list is indexed: a tar entry is expected if
     * the backup stores that path in this part (whole, or a chunk of it).
     */
    private PartExtractor partExtractor(IndexedManifest level, BackupManifest.Part part, FileAssembler assembler) {
        String key = part.key();
        FileListIndex index = level.files();
        return new PartExtractor(repository, RepositoryLayout.backupPrefix(level.header().name()), path -> {
            FileEntry f = index.find(path);
            if (f == null || f.isDirectory() || f.part() == null) {
                return null;
            }
            return (f.chunks() == null ? key.equals(f.part()) : f.chunkIn(key).isPresent()) ? f : null;
        }, () -> {
            FileEntry[] chunked = new FileEntry[1];
            index.forEach(f -> {
                if (chunked[0] == null && !f.isDirectory() && f.chunks() != null && f.chunkIn(key).isPresent()) {
                    chunked[0] = f;
                }
            });
            return java.util.Optional.ofNullable(chunked[0]);
        }, assembler);
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
