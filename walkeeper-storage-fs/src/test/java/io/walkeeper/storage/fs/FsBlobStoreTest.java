package io.walkeeper.storage.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.spi.BlobInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour specific to the file system store: layout on disk, temporary files, conflicts. */
class FsBlobStoreTest {

    @TempDir
    Path tempDir;

    private Path root;
    private FsBlobStore store;

    @BeforeEach
    void open() {
        root = tempDir.resolve("a/b/repo");
        store = FsBlobStore.open(root);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] read(String key) throws IOException {
        try (InputStream in = store.get(key)) {
            return in.readAllBytes();
        }
    }

    private List<String> filesOnDisk() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> !p.equals(root))
                    .map(p -> root.relativize(p).toString() + (Files.isDirectory(p) ? "/" : ""))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private List<String> keys(String prefix) {
        try (Stream<BlobInfo> listed = store.list(prefix)) {
            return listed.map(BlobInfo::key).collect(Collectors.toList());
        }
    }

    @Test
    void createsTheRootDirectoryWithParents() {
        assertTrue(Files.isDirectory(root));
        assertEquals(root, store.root());
        assertEquals(root.toUri(), store.location());
    }

    @Test
    void refusesRelativeRootAndFiles() throws IOException {
        assertThrows(ConfigurationException.class, () -> FsBlobStore.open(Path.of("relative/repo")));
        Path file = Files.writeString(tempDir.resolve("file"), "x");
        assertThrows(StorageException.class, () -> FsBlobStore.open(file));
    }

    @Test
    void objectsAreFilesUnderTheRootAndLeaveNoTemporaryFiles() throws IOException {
        store.create("wal/000000010000000000000001.zst", out -> out.write(utf8("segment")));
        store.put("backups/base_1.json", out -> out.write(utf8("{}")));
        store.put("backups/base_1.json", out -> out.write(utf8("{\"v\":2}")));
        assertThrows(WalKeeperException.class,
                () -> store.create("wal/000000010000000000000001.zst", out -> out.write(utf8("other"))));
        assertThrows(StorageException.class, () -> store.put("wal/failed", out -> {
            out.write(utf8("partial"));
            throw new IOException("simulated");
        }));

        assertEquals(List.of("backups/", "backups/base_1.json", "wal/", "wal/000000010000000000000001.zst"),
                filesOnDisk());
        assertEquals("segment", Files.readString(root.resolve("wal/000000010000000000000001.zst")));
        assertEquals("{\"v\":2}", Files.readString(root.resolve("backups/base_1.json")));
        assertEquals(1, Files.getAttribute(root.resolve("wal/000000010000000000000001.zst"), "unix:nlink"));
    }

    /**
     * Backup parts and WAL hold the whole database: whatever the umask (the build runs with the
     * usual 022), the repository directory, every directory in it and every object are private
     * to the owner.
     */
    @Test
    void objectsAndDirectoriesArePrivateWhateverTheUmask() throws IOException {
        store.create("wal/000000010000000000000001.lz4", out -> out.write(utf8("segment")));
        store.put("backups/base_1/part_0001.tar.lz4", out -> out.write(utf8("part")));
        assertEquals("rwx------", mode(root));
        assertEquals("rwx------", mode(root.resolve("wal")));
        assertEquals("rwx------", mode(root.resolve("backups/base_1")));
        assertEquals("rw-------", mode(root.resolve("wal/000000010000000000000001.lz4")));
        assertEquals("rw-------", mode(root.resolve("backups/base_1/part_0001.tar.lz4")));
    }

    @Test
    void metadataIsKeptAsExtendedAttributesOfTheFile() throws IOException {
        store.create("wal/000000010000000000000002.lz4", java.util.Map.of("sha256", "abc123"), out -> out.write(utf8("s")));
        assertEquals(java.util.Map.of("sha256", "abc123"), store.head("wal/000000010000000000000002.lz4").orElseThrow().metadata());
        assertEquals(List.of("wal/", "wal/000000010000000000000002.lz4"), filesOnDisk(), "no side file");
    }

    private static String mode(Path p) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void listingSkipsTemporaryAndForeignFiles() throws IOException {
        store.put("wal/1", out -> out.write(1));
        Files.writeString(root.resolve("wal/.2.tmp-0123456789abcdef"), "in progress");
        Files.writeString(root.resolve("wal/bad%zz"), "not a key");
        Files.createDirectories(root.resolve("empty/dir"));
        assertEquals(List.of("wal/1"), keys(""));
        assertEquals(Optional.empty(), store.head("empty/dir"));
    }

    @Test
    void unusualCharactersAreEscapedOnDisk() throws IOException {
        store.put("\u00fc/100%", out -> out.write(utf8("x")));
        assertTrue(Files.isRegularFile(root.resolve("%C3%BC/100%25")));
        assertEquals(List.of("\u00fc/100%"), keys("\u00fc"));
        assertArrayEquals(utf8("x"), read("\u00fc/100%"));
    }

    @Test
    void deleteRemovesDirectoriesItEmptiedButNotTheRoot() throws IOException {
        store.put("a/b/c", out -> out.write(1));
        store.put("a/d", out -> out.write(2));
        store.delete(List.of("a/b/c"));
        assertEquals(List.of("a/", "a/d"), filesOnDisk());
        store.delete(List.of("a/d"));
        assertEquals(List.of(), filesOnDisk());
        assertTrue(Files.isDirectory(root));
        store.put("a/b/c", out -> out.write(3));
        assertArrayEquals(new byte[] {3}, read("a/b/c"));
    }

    @Test
    void aKeyCannotBeBothAnObjectAndAFolder() throws IOException {
        store.put("a", out -> out.write(1));
        StorageException e = assertThrows(StorageException.class, () -> store.put("a/b", out -> out.write(2)));
        assertTrue(e.getMessage().contains("'a' is an object"), e.getMessage());
        assertEquals(Optional.empty(), store.head("a/b"));
        assertThrows(NotFoundException.class, () -> store.get("a/b/c").close());
        assertEquals(List.of(), keys("a/"));
        assertEquals(List.of(), keys("a/b/"));
        store.delete(List.of("a/b"));

        store.put("x/y", out -> out.write(3));
        assertThrows(StorageException.class, () -> store.create("x", out -> out.write(4)));
        assertThrows(StorageException.class, () -> store.put("x", out -> out.write(4)));
        assertThrows(NotFoundException.class, () -> store.get("x").close());
        store.delete(List.of("x"));
        assertArrayEquals(new byte[] {3}, read("x/y"));
        assertEquals(List.of("a", "x/y"), keys(""));

        store.put("\u00fc/b", out -> out.write(5));
        e = assertThrows(StorageException.class, () -> store.put("\u00fc/b/c/d", out -> out.write(6)));
        assertTrue(e.getMessage().contains("'\u00fc/b' is an object"), e.getMessage());
    }

    @Test
    void writerExceptionsPropagateAndLeaveNothing() throws IOException {
        IllegalStateException bug = new IllegalStateException("bug");
        assertSame(bug, assertThrows(IllegalStateException.class, () -> store.create("k", out -> {
            out.write(1);
            throw bug;
        })));
        IntegrityException integrity = new IntegrityException("source corrupt");
        assertSame(integrity, assertThrows(IntegrityException.class, () -> store.put("k", out -> {
            throw integrity;
        })));
        assertEquals(List.of(), filesOnDisk());
    }

    @Test
    void aWriterThatClosesTheStreamStillCommits() throws IOException {
        store.create("k", out -> {
            out.write(utf8("abc"));
            out.close();
        });
        assertArrayEquals(utf8("abc"), read("k"));
    }

    @Test
    void interruptionAbortsTheWrite() throws IOException {
        Thread.currentThread().interrupt();
        try {
            WalKeeperException e = assertThrows(WalKeeperException.class,
                    () -> store.put("k", out -> out.write(new byte[1 << 20])));
            assertEquals(ErrorCode.INTERRUPTED, e.errorCode());
        } finally {
            Thread.interrupted();
        }
        assertEquals(List.of(), filesOnDisk());
    }

    @Test
    void symbolicLinkLoopsAreListedOnce() throws IOException {
        store.put("d/file", out -> out.write(1));
        Files.createSymbolicLink(root.resolve("d/loop"), root.resolve("d"));
        assertEquals(List.of("d/file"), keys(""));
    }

    @Test
    void listingsAreLazyAndSurviveConcurrentDeletes() {
        for (int i = 0; i < 10; i++) {
            int n = i;
            store.put("dir" + i + "/k", out -> out.write(n));
        }
        try (Stream<BlobInfo> listed = store.list("")) {
            var it = listed.iterator();
            assertEquals("dir0/k", it.next().key());
            store.delete(List.of("dir5/k"));
            int rest = 0;
            while (it.hasNext()) {
                assertFalse(it.next().key().equals("dir5/k"));
                rest++;
            }
            assertEquals(8, rest);
        }
    }
}
