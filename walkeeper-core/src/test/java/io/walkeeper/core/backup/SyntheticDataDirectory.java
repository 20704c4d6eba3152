package io.walkeeper.core.backup;

import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.restore.DefaultRestorer;
import io.walkeeper.testkit.InMemoryBlobStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * A synthetic data directory whose files a test writes with chosen contents and modification
 * times, and an in-memory repository without compression or encryption to back it up into with
 * {@link TestBackups}: the setup of the tests of which blocks a delta reads. It remembers every
 * file's last content so that a restore can be compared with it byte for byte.
 */
final class SyntheticDataDirectory {
    /** The page size. */
    static final int BS = 8192;

    final Path data;
    final Repository repo;
    /** The source of every random byte of the test, so that a seed decides all of them. */
    final Random random;
    /** Every file written, by path relative to the data directory, with its last content. */
    final Map<String, byte[]> files = new TreeMap<>();
    private final Path tmp;

    /**
     * Opens the repository; the data directory, {@code data} under {@code tmp}, is empty.
     *
     * @param tmp a directory of the test's own
     * @param seed the seed of {@link #random}
     */
    SyntheticDataDirectory(Path tmp, long seed) {
        this.tmp = tmp;
        data = tmp.resolve("data");
        random = new Random(seed);
        repo = new Repository(new InMemoryBlobStore(),
                new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null, Providers.codecs()));
    }

    /** Writes a file of the data directory and sets its modification time. */
    void put(String path, byte[] content, Instant mtime) throws IOException {
        Path p = data.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        Files.setLastModifiedTime(p, FileTime.from(mtime));
        files.put(path, content);
    }

    /** The modification time of a file of the data directory. */
    Instant mtime(String path) throws IOException {
        return Files.getLastModifiedTime(data.resolve(path)).toInstant();
    }

    /** A copy of {@code file} with block {@code block} replaced by a new random page of LSN {@code lsn}. */
    byte[] page(byte[] file, int block, long lsn) {
        byte[] out = file.clone();
        System.arraycopy(DeltaChainPropertyTest.pages(1, lsn, random), 0, out, block * BS, BS);
        return out;
    }

    /** {@code n} random bytes. */
    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** The entry of {@code path} in a backup. */
    static FileEntry entry(BackupManifest m, String path) {
        return m.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
    }

    /** Restores a backup into {@code dir} under the test's directory and compares every file written. */
    void assertRestores(BackupManifest m, String dir) throws IOException {
        Path target = tmp.resolve(dir);
        new DefaultRestorer(repo, 2).restore(RestoreRequest.of(BackupSelector.named(m.name()), target, "false"));
        for (var e : files.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(target.resolve(e.getKey())), e.getKey() + " in " + m.name());
        }
    }
}
