package io.walkeeper.core.restore;

import io.walkeeper.api.ConflictException;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.core.io.FileSync;
import io.walkeeper.core.io.Workers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * What a restore does to the file system, in one place: it claims its target directories with a
 * lock file created exclusively (a second restore into the same directory fails at once, and
 * never cleans up under the first), creates every file 0600 and every directory 0700 from the
 * start, syncs each file once its writer has closed it, syncs directories bottom-up, and on
 * failure removes what it wrote. {@link #syncFile} and {@link #syncDirectory} are the seam through
 * which tests see the order of the syncs.
 *
 * <p>File syncs run on a small pool of their own ({@link #syncLater}), up to {@value #SYNCS_IN_FLIGHT}
 * at a time, while the workers go on writing: a file system commits concurrent syncs together, so
 * a restore of many small files is not bound by one sync's latency per file. {@link #awaitSyncs}
 * returns once every file handed over is on disk, and reports the first failure.
 */
class RestoreFiles {
    /** The lock a running restore holds in each directory it writes; its presence after a crash says the restore is incomplete. */
    static final String LOCK = ".walkeeper-restore.lock";
    private static final Logger LOG = LoggerFactory.getLogger(RestoreFiles.class);
    private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
            PosixFilePermissions.asFileAttribute(Modes.toPermissions(0600));
    private static final FileAttribute<Set<PosixFilePermission>> DIR_MODE =
            PosixFilePermissions.asFileAttribute(Modes.toPermissions(0700));

    /** Files being synced at once; a writer handing over one more waits. */
    static final int SYNCS_IN_FLIGHT = 64;
    private static final int SYNC_THREADS = 16;

    private final List<Path> claimed = new ArrayList<>();
    private final List<Path> created = new ArrayList<>();
    private final Semaphore syncPermits = new Semaphore(SYNCS_IN_FLIGHT);
    private final AtomicReference<IOException> syncFailure = new AtomicReference<>();
    private ExecutorService syncPool;

    /**
     * Claims a directory for this restore: it must be absent or empty; missing directories are
     * created 0700, and a lock file is created exclusively in it.
     *
     * @param dir the directory
     * @param what how messages name it
     * @param backupName the backup being restored, recorded in the lock
     * @throws InvalidRequestException if it is not an empty directory
     * @throws ConflictException if another restore holds it
     */
    void claim(Path dir, String what, String backupName) {
        Path missingRoot = null;
        try {
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    throw new InvalidRequestException("Cannot restore into " + dir + ": it exists and is not a directory");
                }
                refuseNonEmpty(dir, what);
            } else {
                missingRoot = dir;
                while (missingRoot.getParent() != null && !Files.exists(missingRoot.getParent())) {
                    missingRoot = missingRoot.getParent();
                }
                createDirectories(dir);
            }
            Path lock = dir.resolve(LOCK);
            try {
                Files.writeString(Files.createFile(lock, FILE_MODE), lockText(backupName), StandardCharsets.UTF_8);
            } catch (FileAlreadyExistsException e) {
                throw new ConflictException("Cannot restore into " + dir + ": another restore has just claimed it ("
                        + describeLock(lock) + "); nothing was changed (HINT: restore into another directory)", e);
            }
            claimed.add(dir);
            if (missingRoot != null) {
                created.add(missingRoot);
            }
            Files.setPosixFilePermissions(dir, Modes.toPermissions(0700));
        } catch (IOException e) {
            throw new InvalidRequestException("Cannot prepare " + dir + " for the restore: " + e.getMessage(), e);
        }
    }

    private static void refuseNonEmpty(Path dir, String what) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            if (!ds.iterator().hasNext()) {
                return;
            }
        }
        Path lock = dir.resolve(LOCK);
        if (Files.exists(lock, LinkOption.NOFOLLOW_LINKS)) {
            throw new ConflictException("Cannot restore into " + dir + ": a restore is writing into it, or one was "
                    + "interrupted there (" + describeLock(lock) + "); nothing was changed (HINT: if that restore no longer "
                    + "runs, what it left is incomplete and PostgreSQL cannot start on it: empty " + dir + " and restore again)");
        }
        throw new InvalidRequestException("Cannot restore into " + dir + ": the " + what + " is not empty "
                + "(HINT: restore into a new or empty directory; nothing was changed)");
    }

    private static String lockText(String backupName) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        return "backup " + backupName + ", process " + ProcessHandle.current().pid() + " (" + ManagementFactory.getRuntimeMXBean().getName()
                + ") on " + host + ", started " + Instant.now() + "\n";
    }

    private static String describeLock(Path lock) {
        try {
            return "lock " + lock.getFileName() + ": " + Files.readString(lock, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "lock " + lock;
        }
    }

    /** Removes the locks of a completed restore, then syncs the directories that held them. */
    void release() throws IOException {
        for (Path dir : claimed) {
            Files.deleteIfExists(dir.resolve(LOCK));
            syncDirectory(dir);
        }
        claimed.clear();
        created.clear();
    }

    /** Creates a directory and its missing parents, each 0700. */
    void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, DIR_MODE);
        } catch (FileAlreadyExistsException raced) {
            if (!Files.isDirectory(dir)) {
                throw raced;
            }
        }
    }

    /** Opens a file for positional writes, creating it 0600 (and its parents 0700). */
    FileChannel open(Path file) throws IOException {
        createDirectories(file.getParent());
        return FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), FILE_MODE);
    }

    /**
     * Writes a small file whole and syncs it. With {@code replace}, it is written under a
     * temporary name and renamed over the old one; otherwise it must not exist yet.
     */
    void writeFile(Path file, String content, boolean replace) throws IOException {
        Path tmp = replace ? file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp") : file;
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE_MODE)) {
            ByteBuffer b = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            syncFile(ch, file);
        }
        if (replace) {
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Renames a fully written and synced file into place, then syncs its directory.
     *
     * @param from the temporary file
     * @param to its final name
     */
    void commit(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(to.getParent());
    }

    /** Flushes a written file to disk. */
    void syncFile(FileChannel channel, Path file) throws IOException {
        channel.force(true);
    }

    /**
     * Hands a written and closed file over to be synced; waits while {@value #SYNCS_IN_FLIGHT}
     * syncs are under way. The file gets its modification time and mode just before the sync, so
     * that the sync makes them durable with its content (a later write of the same file hands it
     * over again).
     *
     * @param file the file, no longer written by anyone
     * @param mtime its modification time, or {@code null} to leave it
     * @param mode its permissions, or {@code null} to leave them
     * @throws IOException if an earlier sync failed
     */
    void syncLater(Path file, FileTime mtime, Set<PosixFilePermission> mode) throws IOException {
        rethrowSyncFailure();
        try {
            syncPermits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing " + file + " over to be synced");
        }
        try {
            syncPool().execute(() -> {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    if (mode != null) {
                        Files.setPosixFilePermissions(file, mode);
                    }
                    if (mtime != null) {
                        Files.setLastModifiedTime(file, mtime);
                    }
                    syncFile(ch, file);
                } catch (IOException | RuntimeException e) {
                    syncFailure.compareAndSet(null, new IOException("Cannot sync " + file + " to disk: " + e.getMessage(), e));
                } finally {
                    syncPermits.release();
                }
            });
        } catch (RuntimeException e) {
            syncPermits.release();
            throw e;
        }
    }

    private synchronized ExecutorService syncPool() {
        if (syncPool == null) {
            syncPool = Executors.newFixedThreadPool(SYNC_THREADS, Workers.named("walkeeper-restore-sync"));
        }
        return syncPool;
    }

    /**
     * Waits until every file handed to {@link #syncLater} is synced.
     *
     * @throws IOException the first sync that failed
     */
    void awaitSyncs() throws IOException {
        try {
            syncPermits.acquire(SYNCS_IN_FLIGHT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for restored files to reach the disk");
        }
        syncPermits.release(SYNCS_IN_FLIGHT);
        stopSyncPool();
        rethrowSyncFailure();
    }

    private synchronized void stopSyncPool() {
        if (syncPool != null) {
            Workers.stopAndWait(syncPool);
            syncPool = null;
        }
    }

    private void rethrowSyncFailure() throws IOException {
        IOException failed = syncFailure.get();
        if (failed != null) {
            throw failed;
        }
    }

    /** Flushes a directory's entries to disk. */
    void syncDirectory(Path dir) throws IOException {
        FileSync.directory(dir);
    }

    /** Syncs every directory under {@code root} (not following links), deepest first, the root last. */
    void syncDirectoriesBottomUp(Path root) throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.walk(root)) {
            dirs = s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
        }
        for (Path d : dirs) {
            syncDirectory(d);
        }
    }

    /** After a failure: removes everything written into the claimed directories, the locks last, and the directories this restore created. */
    void undo() {
        stopSyncPool(); // no sync may reopen a file while it is removed
        for (Path root : claimed) {
            try {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
                    for (Path p : ds) {
                        if (!p.getFileName().toString().equals(LOCK)) {
                            deleteTree(p);
                        }
                    }
                }
                Files.deleteIfExists(root.resolve(LOCK));
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
        claimed.clear();
        created.clear();
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
