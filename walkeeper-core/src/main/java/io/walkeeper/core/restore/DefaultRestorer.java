package io.walkeeper.core.restore;

import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.RestoreResult;
import io.walkeeper.api.Restorer;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.VerificationResult;
import io.walkeeper.api.WalSegmentName;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.core.backup.DefaultBackupRepository;
import io.walkeeper.core.io.FileSync;
import io.walkeeper.core.io.Workers;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Restores a full backup into an empty directory: downloads and verifies parts in parallel,
 * {@code pg_control} last, writes {@code backup_label} and {@code tablespace_map}, and configures
 * recovery ({@code recovery.signal} or {@code standby.signal} plus settings appended to
 * {@code postgresql.auto.conf}). On any failure everything it wrote is removed.
 */
public final class DefaultRestorer implements Restorer {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultRestorer.class);

    private static final String PG_CONTROL = "global/pg_control";

    private final Repository repository;
    private final int concurrency;

    /**
     * Creates a restorer.
     *
     * @param repository where backups live
     * @param concurrency parts downloaded at once
     */
    public DefaultRestorer(Repository repository, int concurrency) {
        this.repository = repository;
        this.concurrency = Math.max(1, concurrency);
    }

    @Override
    public RestoreResult restore(RestoreRequest request) {
        if (request.restoreCommand() == null || request.restoreCommand().isBlank()) {
            throw new ConfigurationException("Cannot restore: no restore_command given, so PostgreSQL could not fetch WAL "
                    + "from the archive (HINT: the CLI writes its own wal-fetch; from code use withRestoreCommand(...))");
        }
        Instant started = Instant.now();
        BackupManifest manifest = DefaultBackupRepository.selectManifest(repository, request.backup());
        List<BackupManifest> chain = chain(manifest);
        Path target = request.targetDirectory().toAbsolutePath().normalize();
        Map<String, Path> tablespaceTargets = tablespaceTargets(manifest, request);
        List<Path> created = new ArrayList<>();
        prepareEmpty(target, "target directory", created);
        for (Path ts : tablespaceTargets.values()) {
            prepareEmpty(ts, "tablespace directory", created);
        }
        try {
            LOG.info("Restoring backup {} into {}", manifest.name(), target);
            LaidDown done = layDown(chain, request, target, tablespaceTargets);
            RestoreResult result = new RestoreResult(manifest.toInfo(), target, done.files(), done.bytes(),
                    Duration.between(started, Instant.now()), done.settings());
            LOG.info("Restored {} files ({} bytes) of {} in {} ms", result.files(), result.bytes(), manifest.name(),
                    result.elapsed().toMillis());
            return result;
        } catch (RuntimeException | IOException e) {
            undo(target, tablespaceTargets.values(), created);
            if (e instanceof IOException io) {
                throw new StorageException("Cannot restore " + manifest.name() + " into " + target + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public VerificationResult verify(BackupSelector selector) {
        BackupManifest manifest = DefaultBackupRepository.selectManifest(repository, selector);
        List<String> problems = new ArrayList<>();
        List<BackupManifest> chain;
        try {
            chain = chain(manifest);
        } catch (IntegrityException e) {
            problems.add(e.getMessage());
            chain = List.of(manifest);
        }
        int parts = 0;
        long bytes = 0;
        for (BackupManifest level : chain) {
            Map<String, Map<String, BackupManifest.FileEntry>> byPart = byPart(level);
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
                        bytes += await(f);
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

    private record LaidDown(Map<String, String> settings, long files, long bytes) {
    }

    /**
     * Resolves a backup to its chain, newest first, ending with the full backup.
     *
     * @throws IntegrityException if a parent is missing or does not belong with its child
     */
    private List<BackupManifest> chain(BackupManifest newest) {
        List<BackupManifest> chain = new ArrayList<>();
        chain.add(newest);
        BackupManifest m = newest;
        while (!"FULL".equals(m.kind())) {
            BackupManifest child = m;
            if (chain.size() > 10_000) {
                throw new IntegrityException("The chain of delta backups ending in " + newest.name() + " does not end");
            }
            m = repository.readManifest(child.parent()).orElseThrow(() -> new IntegrityException("Cannot restore "
                    + newest.name() + ": its chain needs backup " + child.parent() + " (parent of " + child.name()
                    + "), which is not in " + repository.store().location()
                    + " (HINT: restore an older full backup, or one whose chain is complete)"));
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

    private LaidDown layDown(List<BackupManifest> chain, RestoreRequest request, Path target,
                             Map<String, Path> tablespaceTargets) throws IOException {
        BackupManifest manifest = chain.get(0);
        PartExtractor.PathResolver resolver = archivePath -> resolve(target, tablespaceTargets, archivePath);

        Map<String, BackupManifest.FileEntry> finalFiles = new LinkedHashMap<>();
        for (BackupManifest.FileEntry f : manifest.files()) {
            if (f.isDirectory()) {
                Path dir = resolver.resolve(f.path());
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, Modes.toPermissions(f.mode() & 0750 | 0700));
            } else {
                finalFiles.put(f.path(), f);
            }
        }
        if (!finalFiles.containsKey(PG_CONTROL)) {
            throw new IntegrityException("Manifest of " + manifest.name() + " lists no global/pg_control");
        }
        Map<String, Long> sizes = new HashMap<>();
        finalFiles.forEach((p, f) -> sizes.put(p, f.size()));
        sizes.remove(PG_CONTROL);
        BlockWriter writer = new FileBlockWriter(resolver);
        FileAssembler assembler = new FileAssembler(sizes, manifest.blockSize(), writer);
        BackupManifest.Part controlPart = null;
        for (BackupManifest level : chain) {
            Map<String, Map<String, BackupManifest.FileEntry>> byPart = byPart(level);
            List<BackupManifest.Part> needed = new ArrayList<>();
            for (BackupManifest.Part p : level.parts()) {
                Map<String, BackupManifest.FileEntry> held = byPart.getOrDefault(p.key(), Map.of());
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
        FileAssembler control = new FileAssembler(Map.of(PG_CONTROL, finalFiles.get(PG_CONTROL).size()),
                manifest.blockSize(), writer);
        new PartExtractor(repository, RepositoryLayout.backupPrefix(manifest.name()),
                byPart(manifest).get(controlPart.key()), control).extract(controlPart);
        if (!control.finish().isEmpty()) {
            throw new IntegrityException("Backup " + manifest.name() + " part " + controlPart.key() + " does not hold global/pg_control");
        }
        long bytes = 0;
        for (BackupManifest.FileEntry f : finalFiles.values()) {
            Path p = resolver.resolve(f.path());
            Files.setLastModifiedTime(p, FileTime.from(Instant.parse(f.mtime())));
            Files.setPosixFilePermissions(p, Modes.toPermissions(f.mode() & 0750 | 0600));
            bytes += f.size();
        }
        long files = finalFiles.size();

        Files.createDirectories(target.resolve("pg_wal/archive_status"));
        if (manifest.pgVersionNum() >= 170000) {
            Files.createDirectories(target.resolve("pg_wal/summaries"));
        }
        writeFile(target.resolve("backup_label"), manifest.backupLabel());
        String map = tablespaceMap(manifest, tablespaceTargets);
        if (!map.isEmpty()) {
            writeFile(target.resolve("tablespace_map"), map);
        }
        for (var ts : tablespaceTargets.entrySet()) {
            Path link = target.resolve("pg_tblspc").resolve(ts.getKey());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, ts.getValue());
        }
        Map<String, String> settings = RecoveryConfig.settings(request);
        RecoveryConfig.write(target, manifest.name(), settings, request.standby());
        Files.setPosixFilePermissions(target, Modes.toPermissions(0700));
        FileSync.directory(target);
        return new LaidDown(settings, files, bytes);
    }

    private static Map<String, Map<String, BackupManifest.FileEntry>> byPart(BackupManifest m) {
        Map<String, Map<String, BackupManifest.FileEntry>> byPart = new HashMap<>();
        for (BackupManifest.FileEntry f : m.files()) {
            if (!f.isDirectory() && f.part() != null) {
                byPart.computeIfAbsent(f.part(), k -> new HashMap<>()).put(f.path(), f);
            }
        }
        return byPart;
    }

    private void extractAll(BackupManifest level, List<BackupManifest.Part> parts,
                            Map<String, Map<String, BackupManifest.FileEntry>> byPart, FileAssembler assembler) {
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
                await(f);
            }
        } finally {
            Workers.stopAndWait(pool);
        }
    }

    /** Writes files under the restore target, creating parent directories as needed. */
    private static final class FileBlockWriter implements BlockWriter {
        private final PartExtractor.PathResolver resolver;

        FileBlockWriter(PartExtractor.PathResolver resolver) {
            this.resolver = resolver;
        }

        @Override
        public Target open(String path) throws IOException {
            Path p = resolver.resolve(path);
            Files.createDirectories(p.getParent());
            FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new Target() {
                @Override
                public void write(long position, byte[] data, int offset, int length) throws IOException {
                    ByteBuffer b = ByteBuffer.wrap(data, offset, length);
                    long at = position;
                    while (b.hasRemaining()) {
                        at += ch.write(b, at);
                    }
                }

                @Override
                public void close() throws IOException {
                    ch.close();
                }
            };
        }
    }

    private static Path resolve(Path target, Map<String, Path> tablespaceTargets, String archivePath) {
        if (archivePath.startsWith("pg_tblspc/")) {
            String rest = archivePath.substring("pg_tblspc/".length());
            int slash = rest.indexOf('/');
            String oid = slash < 0 ? rest : rest.substring(0, slash);
            Path base = tablespaceTargets.get(oid);
            if (base == null) {
                throw new IntegrityException("Backup holds '" + archivePath + "' for tablespace " + oid + ", which its manifest does not list");
            }
            return checkInside(base, slash < 0 ? base : base.resolve(rest.substring(slash + 1)), archivePath);
        }
        return checkInside(target, target.resolve(archivePath), archivePath);
    }

    private static Path checkInside(Path base, Path p, String archivePath) {
        Path n = p.normalize();
        if (!n.startsWith(base) || archivePath.contains("..")) {
            throw new IntegrityException("Backup entry '" + archivePath + "' points outside " + base + ": refusing to write it");
        }
        return n;
    }

    private static Map<String, Path> tablespaceTargets(BackupManifest manifest, RestoreRequest request) {
        Map<String, Path> out = new LinkedHashMap<>();
        List<BackupManifest.Tablespace> list = manifest.tablespaces() == null ? List.of() : manifest.tablespaces();
        for (BackupManifest.Tablespace ts : list) {
            Path p = request.tablespaceMapping().getOrDefault(ts.oid(), Path.of(ts.location()));
            out.put(ts.oid(), p.toAbsolutePath().normalize());
        }
        for (String oid : request.tablespaceMapping().keySet()) {
            if (!out.containsKey(oid)) {
                throw new InvalidRequestException("Backup " + manifest.name() + " has no tablespace " + oid + " to remap "
                        + "(it has " + out.keySet() + ")");
            }
        }
        return out;
    }

    private static String tablespaceMap(BackupManifest manifest, Map<String, Path> targets) {
        if (targets.isEmpty()) {
            return manifest.tablespaceMap() == null ? "" : manifest.tablespaceMap();
        }
        StringBuilder sb = new StringBuilder();
        for (var e : targets.entrySet()) {
            String escaped = e.getValue().toString().replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
            sb.append(e.getKey()).append(' ').append(escaped).append('\n');
        }
        return sb.toString();
    }

    private static void writeFile(Path p, String content) throws IOException {
        Files.writeString(p, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Files.setPosixFilePermissions(p, Modes.toPermissions(0600));
        FileSync.file(p);
    }

    private static void prepareEmpty(Path dir, String what, List<Path> created) {
        try {
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isDirectory(dir)) {
                    throw new InvalidRequestException("Cannot restore into " + dir + ": it exists and is not a directory");
                }
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                    if (ds.iterator().hasNext()) {
                        throw new InvalidRequestException("Cannot restore into " + dir + ": the " + what + " is not empty "
                                + "(HINT: restore into a new or empty directory; nothing was changed)");
                    }
                }
            } else {
                Path missingRoot = dir;
                while (missingRoot.getParent() != null && !Files.exists(missingRoot.getParent())) {
                    missingRoot = missingRoot.getParent();
                }
                Files.createDirectories(dir);
                created.add(missingRoot);
            }
        } catch (IOException e) {
            throw new InvalidRequestException("Cannot prepare " + dir + " for the restore: " + e.getMessage(), e);
        }
    }

    private static void undo(Path target, Iterable<Path> tablespaces, List<Path> created) {
        List<Path> roots = new ArrayList<>();
        roots.add(target);
        tablespaces.forEach(roots::add);
        for (Path root : roots) {
            try {
                emptyDirectory(root);
            } catch (IOException e) {
                LOG.warn("Could not remove what the failed restore wrote under {}: {}", root, e.getMessage());
            }
        }
        for (Path p : created) {
            try {
                deleteTree(p);
            } catch (IOException e) {
                LOG.warn("Could not remove {}: {}", p, e.getMessage());
            }
        }
    }

    private static void emptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                deleteTree(p);
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WalKeeperException(ErrorCode.INTERRUPTED, "Interrupted while reading backup parts (a restore removes what it wrote)", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WalKeeperException w) {
                throw w;
            }
            throw new StorageException("Reading a backup part failed: " + e.getCause(), e.getCause());
        }
    }
}
