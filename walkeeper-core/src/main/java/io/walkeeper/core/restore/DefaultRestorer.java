package io.walkeeper.core.restore;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.RestoreResult;
import io.walkeeper.api.Restorer;
import io.walkeeper.api.StorageException;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Restores a full backup into an empty directory: downloads and verifies parts in parallel,
 * {@code pg_control} last, writes {@code backup_label} and {@code tablespace_map}, and configures
 * recovery ({@code recovery.signal} or {@code standby.signal} plus settings appended to
 * {@code postgresql.auto.conf}). On any failure everything it wrote is removed.
 */
public final class DefaultRestorer implements Restorer {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultRestorer.class);

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
        if (!"FULL".equals(manifest.kind())) {
            throw new InvalidRequestException("Backup " + manifest.name() + " is a " + manifest.kind()
                    + " backup, which this version cannot restore");
        }
        Path target = request.targetDirectory().toAbsolutePath().normalize();
        Map<String, Path> tablespaceTargets = tablespaceTargets(manifest, request);
        List<Path> created = new ArrayList<>();
        prepareEmpty(target, "target directory", created);
        for (Path ts : tablespaceTargets.values()) {
            prepareEmpty(ts, "tablespace directory", created);
        }
        try {
            LOG.info("Restoring backup {} into {}", manifest.name(), target);
            LaidDown done = layDown(manifest, request, target, tablespaceTargets);
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

    private record LaidDown(Map<String, String> settings, long files, long bytes) {
    }

    private LaidDown layDown(BackupManifest manifest, RestoreRequest request, Path target,
                                        Map<String, Path> tablespaceTargets) throws IOException {
        AtomicLong files = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        PartExtractor.PathResolver resolver = archivePath -> resolve(target, tablespaceTargets, archivePath);

        for (BackupManifest.FileEntry f : manifest.files()) {
            if (f.isDirectory()) {
                Path dir = resolver.resolve(f.path());
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, Modes.toPermissions(f.mode() & 0750 | 0700));
            }
        }
        Map<String, Map<String, BackupManifest.FileEntry>> byPart = new HashMap<>();
        for (BackupManifest.FileEntry f : manifest.files()) {
            if (!f.isDirectory()) {
                byPart.computeIfAbsent(f.part(), k -> new HashMap<>()).put(f.path(), f);
            }
        }
        String prefix = RepositoryLayout.backupPrefix(manifest.name());
        BackupManifest.Part controlPart = null;
        List<BackupManifest.Part> dataParts = new ArrayList<>();
        for (BackupManifest.Part p : manifest.parts()) {
            if (byPart.getOrDefault(p.key(), Map.of()).containsKey("global/pg_control")) {
                controlPart = p;
            } else {
                dataParts.add(p);
            }
        }
        if (controlPart == null) {
            throw new IntegrityException("Manifest of " + manifest.name() + " lists no part holding global/pg_control");
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, Math.max(1, dataParts.size())),
                Workers.named("walkeeper-restore-part"));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (BackupManifest.Part p : dataParts) {
                PartExtractor x = new PartExtractor(repository, prefix, resolver, byPart.getOrDefault(p.key(), Map.of()), files, bytes);
                futures.add(pool.submit(() -> x.extract(p)));
            }
            for (Future<?> f : futures) {
                await(f);
            }
        } finally {
            Workers.stopAndWait(pool);
        }
        new PartExtractor(repository, prefix, resolver, byPart.get(controlPart.key()), files, bytes).extract(controlPart);

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
        return new LaidDown(settings, files.get(), bytes.get());
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

    private static void await(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WalKeeperException(ErrorCode.INTERRUPTED, "Restore interrupted; what was written is removed", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WalKeeperException w) {
                throw w;
            }
            throw new StorageException("Restore of a part failed: " + e.getCause(), e.getCause());
        }
    }
}
