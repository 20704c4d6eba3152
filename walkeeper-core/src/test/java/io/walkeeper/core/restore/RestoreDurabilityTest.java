package io.walkeeper.core.restore;

import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.ConflictException;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.StorageException;
import io.walkeeper.core.backup.TestBackups;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a restore does to the disk, seen through {@link RestoreFiles}: every file it writes is
 * synced by the sync pool once written, directories are synced bottom-up after the data, the
 * recovery files and backup_label after them, and global/pg_control is renamed into place last,
 * so that a crash before the end leaves a directory PostgreSQL refuses to start. Files are 0600
 * and directories 0700 from their creation. A second restore into a claimed directory fails at
 * once and leaves the first one's files alone.
 */
class RestoreDurabilityTest {
    @TempDir
    Path tmp;

    /** Records syncs, renames and the thread of each, in order. */
    private static final class Recording extends RestoreFiles {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final Path root;

        Recording(Path root) {
            this.root = root;
        }

        private String rel(Path p) {
            return root.relativize(p).toString();
        }

        @Override
        void syncFile(FileChannel channel, Path file) throws IOException {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file + " while written");
            super.syncFile(channel, file);
            events.add("file " + rel(file) + " @" + Thread.currentThread().getName()); // once it is on disk
        }

        @Override
        void syncDirectory(Path dir) throws IOException {
            events.add("dir " + rel(dir));
            super.syncDirectory(dir);
        }

        @Override
        void commit(Path from, Path to) throws IOException {
            events.add("rename " + rel(from) + " -> " + rel(to));
            super.commit(from, to);
        }
    }

    private Repository backupOf(Path data) throws IOException {
        Random random = new Random(7);
        write(data.resolve("PG_VERSION"), "15\n".getBytes());
        write(data.resolve("postgresql.auto.conf"), "recovery_target = 'immediate'\n".getBytes());
        write(data.resolve("standby.signal"), new byte[0]);
        for (int i = 0; i < 6; i++) {
            byte[] page = new byte[8192 * (1 + i)];
            random.nextBytes(page);
            write(data.resolve("base/1/1638" + i), page);
        }
        write(data.resolve("base/1/sub/deep/file"), "x".getBytes());
        byte[] control = new byte[8192];
        random.nextBytes(control);
        write(data.resolve("global/pg_control"), control);
        Repository repo = new Repository(new InMemoryBlobStore(),
                new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null, Providers.codecs()));
        TestBackups.take(repo, data, "base_1", new Lsn(1L << 24), Instant.parse("2026-01-01T00:00:00Z"), null, 2);
        return repo;
    }

    private static void write(Path p, byte[] content) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, content);
    }

    @Test
    void everyFileIsSyncedThenDirectoriesBottomUpThenBackupLabelAndPgControlLast() throws Exception {
        Repository repo = backupOf(tmp.resolve("data"));
        Path target = tmp.resolve("restored");
        Recording files = new Recording(target);
        new DefaultRestorer(repo, 3, () -> files).restore(RestoreRequest.of(BackupSelector.latest(), target, "fetch %f %p"));
        List<String> ev = List.copyOf(files.events);

        List<String> written;
        try (Stream<Path> s = Files.walk(target)) {
            written = s.filter(Files::isRegularFile).map(p -> target.relativize(p).toString()).sorted().toList();
        }
        assertFalse(written.contains("standby.signal"), "a backup's signal file is not restored: " + written);
        assertFalse(written.contains(RestoreFiles.LOCK), "the lock is gone once the restore is complete");
        for (String f : written) {
            String synced = f.equals("global/pg_control") ? "global/pg_control" + DefaultRestorer.PENDING : f;
            assertTrue(ev.stream().anyMatch(e -> e.startsWith("file " + synced + " @")), f + " was synced: " + ev);
        }
        for (String f : written) {
            if (f.startsWith("base/")) {
                String e = ev.stream().filter(x -> x.startsWith("file " + f + " @")).findFirst().orElseThrow();
                assertTrue(e.contains("@walkeeper-restore-sync"), "synced by the sync pool: " + e);
            }
        }
        int firstDir = indexOf(ev, "dir ");
        int lastData = lastIndexOf(ev, "file base/");
        assertTrue(lastData < firstDir, "data files before directories: " + ev);
        assertTrue(indexOf(ev, "dir base/1/sub/deep") < indexOf(ev, "dir base/1/sub"), ev.toString());
        assertTrue(indexOf(ev, "dir base/1/sub") < indexOf(ev, "dir base/1"), ev.toString());
        assertTrue(indexOf(ev, "dir base/1") < indexOf(ev, "dir base"), ev.toString());
        int label = indexOf(ev, "file backup_label");
        assertTrue(lastIndexOf(ev, "file postgresql.auto.conf") < label, ev.toString());
        assertTrue(indexOf(ev, "file recovery.signal") < label, ev.toString());
        assertTrue(lastIndexOf(ev, "dir base") < lastIndexOf(ev, "file postgresql.auto.conf"), "the recovery settings are written after the data: " + ev);
        int rename = indexOf(ev, "rename global/pg_control" + DefaultRestorer.PENDING + " -> global/pg_control");
        assertTrue(label < rename, "pg_control is the restore's last step: " + ev);
        assertTrue(ev.subList(rename + 1, ev.size()).stream().allMatch(e -> e.startsWith("dir ")), ev.toString());

        try (Stream<Path> s = Files.walk(target)) {
            for (Path p : s.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", mode, p.toString());
            }
        }
    }

    private static int indexOf(List<String> ev, String prefix) {
        for (int i = 0; i < ev.size(); i++) {
            if (ev.get(i).startsWith(prefix) && (ev.get(i).length() == prefix.length() || !prefix.startsWith("dir ")
                    || ev.get(i).equals(prefix))) {
                return i;
            }
        }
        throw new AssertionError("no event " + prefix + " in " + ev);
    }

    private static int lastIndexOf(List<String> ev, String prefix) {
        for (int i = ev.size() - 1; i >= 0; i--) {
            if (ev.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no event " + prefix + " in " + ev);
    }

    @Test
    void eachFileHasItsModificationTimeAndModeBeforeItIsSynced() throws Exception {
        Repository repo = backupOf(tmp.resolve("data"));
        BackupManifest manifest = repo.readManifest("base_1").orElseThrow();
        Path target = tmp.resolve("restored");
        Map<String, String> atSync = new java.util.concurrent.ConcurrentHashMap<>();
        RestoreFiles files = new RestoreFiles() {
            @Override
            void syncFile(FileChannel channel, Path file) throws IOException {
                atSync.put(target.relativize(file).toString(), Files.getLastModifiedTime(file).toInstant() + " "
                        + PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
                super.syncFile(channel, file);
            }
        };
        new DefaultRestorer(repo, 3, () -> files).restore(RestoreRequest.of(BackupSelector.latest(), target, "fetch %f %p"));
        int checked = 0;
        for (FileEntry f : manifest.files()) {
            if (f.isDirectory() || f.path().equals("standby.signal") || f.path().equals("postgresql.auto.conf")) {
                continue;
            }
            String synced = f.path().equals("global/pg_control") ? "global/pg_control" + DefaultRestorer.PENDING : f.path();
            // the time and mode a crash right after the restore leaves are those the sync made durable
            assertEquals(f.mtime() + " rw-------", atSync.get(synced), f.path() + " when it was synced");
            checked++;
        }
        assertEquals(9, checked, atSync.toString());
    }

    @Test
    void aFileThatCannotBeSyncedFailsTheRestoreAndItIsUndone() throws Exception {
        Repository repo = backupOf(tmp.resolve("data"));
        Path target = tmp.resolve("restored");
        RestoreFiles failing = new RestoreFiles() {
            @Override
            void syncFile(FileChannel channel, Path file) throws IOException {
                if (file.endsWith("base/1/16383")) {
                    throw new IOException("Input/output error");
                }
                super.syncFile(channel, file);
            }
        };
        StorageException e = assertThrows(StorageException.class, () -> new DefaultRestorer(repo, 2, () -> failing).restore(
                RestoreRequest.of(BackupSelector.latest(), target, "fetch %f %p")));
        assertTrue(e.getMessage().contains("Cannot sync " + target.resolve("base/1/16383")) && e.getMessage().contains("Input/output error"),
                e.getMessage());
        assertFalse(Files.exists(target), "the failed restore removed the directory it had created");
    }

    @Test
    void aRestoreThatRunsOutOfMemoryIsUndone() throws Exception {
        Repository repo = backupOf(tmp.resolve("data"));
        Path target = tmp.resolve("restored");
        RestoreFiles starved = new RestoreFiles() {
            @Override
            FileChannel open(Path file) throws IOException {
                if (file.getFileName().toString().startsWith("pg_control")) { // opened by the restorer's own thread, last
                    throw new OutOfMemoryError("Java heap space");
                }
                return super.open(file);
            }
        };
        assertThrows(OutOfMemoryError.class, () -> new DefaultRestorer(repo, 2, () -> starved).restore(
                RestoreRequest.of(BackupSelector.latest(), target, "fetch %f %p")));
        assertFalse(Files.exists(target), "the restore removed the directory it had created, data files and all");
        new DefaultRestorer(repo, 2).restore(RestoreRequest.of(BackupSelector.latest(), target, "fetch %f %p"));
        assertTrue(Files.exists(target.resolve("global/pg_control")), "the same target can be restored into again");
    }

    @Test
    void aTargetThatCannotBeWrittenIsNamedAndTheBackupIsNotCalledCorrupt() throws Exception {
        Repository repo = backupOf(tmp.resolve("data"));
        Path target = tmp.resolve("restored");
        RestoreFiles full = new RestoreFiles() {
            @Override
            FileChannel open(Path file) throws IOException {
                if (file.endsWith("base/1/16384")) {
                    throw new IOException("No space left on device");
                }
                return super.open(file);
            }
        };
        StorageException e = assertThrows(StorageException.class, () -> new DefaultRestorer(repo, 2, () -> full).restore(
                RestoreRequest.of(BackupSelector.latest(), target, "fetch %f %p")));
        assertTrue(e.getMessage().contains(target.resolve("base/1/16384") + ": No space left on device"), e.getMessage());
        assertFalse(e.getMessage().contains("corrupt"), "the backup is not at fault: " + e.getMessage());
        assertFalse(e.isRetryable(), e.getMessage());
        assertFalse(Files.exists(target), "the failed restore removed the directory it had created");
    }

    @Test
    void aSecondRestoreIntoTheSameDirectoryFailsAtOnceAndLeavesTheFirstAlone() throws Exception {
        Repository repo = backupOf(tmp.resolve("data"));
        Path target = tmp.resolve("restored");
        CountDownLatch firstIsWriting = new CountDownLatch(1);
        CountDownLatch secondDone = new CountDownLatch(1);
        RestoreFiles slow = new RestoreFiles() {
            @Override
            void syncFile(FileChannel channel, Path file) throws IOException {
                firstIsWriting.countDown();
                try {
                    secondDone.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.syncFile(channel, file);
            }
        };
        Thread first = new Thread(() -> new DefaultRestorer(repo, 1, () -> slow).restore(
                RestoreRequest.of(BackupSelector.latest(), target, "fetch %f %p")));
        first.start();
        firstIsWriting.await();
        ConflictException e = assertThrows(ConflictException.class, () -> new DefaultRestorer(repo, 1).restore(
                RestoreRequest.of(BackupSelector.latest(), target, "fetch %f %p")));
        assertTrue(e.getMessage().contains("a restore is writing into it") && e.getMessage().contains("base_1"), e.getMessage());
        secondDone.countDown();
        first.join();
        assertTrue(Files.exists(target.resolve("global/pg_control")), "the first restore completed");
        assertTrue(Files.exists(target.resolve("backup_label")));
        assertFalse(Files.exists(target.resolve(RestoreFiles.LOCK)));
    }

    @Test
    void anInterruptedRestoreIsRefusedWithAMessageThatSaysWhatToDo() throws Exception {
        Repository repo = backupOf(tmp.resolve("data"));
        Path target = tmp.resolve("restored");
        Files.createDirectories(target.resolve("base/1"));
        Files.writeString(target.resolve(RestoreFiles.LOCK), "backup base_1, process 4242 on db1, started 2026-01-01T00:00:00Z\n");
        ConflictException e = assertThrows(ConflictException.class, () -> new DefaultRestorer(repo, 1).restore(
                RestoreRequest.of(BackupSelector.latest(), target, "fetch %f %p")));
        assertTrue(e.getMessage().contains("process 4242") && e.getMessage().contains("empty " + target), e.getMessage());
        assertTrue(Files.exists(target.resolve(RestoreFiles.LOCK)), "nothing was changed");
        assertTrue(Files.isDirectory(target.resolve("base/1")));

        Files.delete(target.resolve(RestoreFiles.LOCK));
        InvalidRequestException notEmpty = assertThrows(InvalidRequestException.class, () -> new DefaultRestorer(repo, 1)
                .restore(RestoreRequest.of(BackupSelector.latest(), target, "fetch %f %p")));
        assertTrue(notEmpty.getMessage().contains("not empty"), notEmpty.getMessage());
    }
}
