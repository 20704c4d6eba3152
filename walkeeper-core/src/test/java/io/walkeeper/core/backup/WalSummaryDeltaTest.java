package io.walkeeper.core.backup;

import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.core.pg.ChangedBlocks;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.restore.DefaultRestorer;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A delta that reads only the blocks the WAL summaries name, through the real part writer and
 * restorer: named blocks, blocks past the parent's end and past a limit block are read and
 * stored, the rest is not even read, and the chain restores byte for byte.
 */
class WalSummaryDeltaTest {
    private static final int BS = 8192;
    private static final Instant OLD = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant FULL_START = Instant.parse("2026-01-01T01:00:00Z");
    private static final Instant DELTA_START = FULL_START.plusSeconds(3600);
    private static final Instant TOUCHED = FULL_START.plusSeconds(1800);
    private static final Lsn FULL_LSN = new Lsn(1L << 24);
    private static final Lsn DELTA_LSN = new Lsn(2L << 24);
    private static final String HOT = "base/5/16384";
    private static final String TRUNCATED = "base/5/16385";
    private static final String COPIED_DB = "base/16392/16384";
    private static final String QUIET = "base/5/16386";

    @TempDir
    Path tmp;
    private Path data;
    private Repository repo;
    private final Random random = new Random(17);
    private final Map<String, byte[]> files = new TreeMap<>();

    @BeforeEach
    void initialState() throws IOException {
        data = tmp.resolve("data");
        repo = new Repository(new InMemoryBlobStore(),
                new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null, Providers.codecs()));
        put("global/pg_control", bytes(BS), OLD);
        put(HOT, DeltaChainPropertyTest.pages(16, 0x100, random), OLD);
        put(TRUNCATED, DeltaChainPropertyTest.pages(8, 0x100, random), OLD);
        put(COPIED_DB, DeltaChainPropertyTest.pages(4, 0x100, random), OLD);
        put(QUIET, DeltaChainPropertyTest.pages(8, 0x100, random), OLD);
    }

    @Test
    void onlyNamedBlocksAndTheTailsAreReadAndTheChainRestoresExactly() throws IOException {
        BackupManifest full = TestBackups.take(repo, data, "base_full", FULL_LSN, FULL_START, null, 2);
        long after = FULL_LSN.value() + 10;
        byte[] hot = page(page(files.get(HOT), 3, after), 9, after);
        put(HOT, concat(hot, DeltaChainPropertyTest.pages(2, after, random)), TOUCHED);       // grown by two blocks
        byte[] truncated = Arrays.copyOf(files.get(TRUNCATED), 6 * BS);
        put(TRUNCATED, page(page(truncated, 4, after), 5, after), TOUCHED);                    // truncated to 4, re-extended
        put(COPIED_DB, DeltaChainPropertyTest.pages(4, 0x100, random), TOUCHED);               // created again by a copy
        put(QUIET, files.get(QUIET), TOUCHED);                                                 // touched, no page changed
        ChangedBlocks.Builder wal = ChangedBlocks.builder(FULL_LSN, DELTA_LSN, 100);
        wal.add(16384, 1663, 5, 0, 3, false);
        wal.add(16384, 1663, 5, 0, 9, false);
        wal.add(16384, 1663, 5, 0, 16, false);
        wal.add(16385, 1663, 5, 0, 4, true);
        wal.add(0, 1663, 16392, 0, 0, true);

        BackupManifest delta = TestBackups.takeWithSummaries(repo, data, "base_delta", DELTA_LSN, DELTA_START, full, 2,
                wal.build());
        assertEquals(FileEntry.Storage.DELTA, entry(delta, HOT).storageKind());
        assertEquals(FileEntry.Storage.DELTA, entry(delta, TRUNCATED).storageKind());
        assertEquals(FileEntry.Storage.WHOLE, entry(delta, COPIED_DB).storageKind(), "its database was copied anew");
        assertEquals(FileEntry.Storage.UNCHANGED, entry(delta, QUIET).storageKind());
        // HOT: 3, 9 named, 16 and 17 past the parent's end; TRUNCATED: 4 and 5 from its limit; COPIED_DB: all 4
        assertEquals(4 + 2 + 4, delta.statistics().pagesScanned(), delta.statistics().toString());
        assertEquals(4 + 2, delta.statistics().pagesStored(), delta.statistics().toString());
        long unread = (18 - 4) + (6 - 2) + 8;
        assertEquals(unread * BS, delta.statistics().bytesSkippedUnread(), delta.statistics().toString());
        assertRestores(delta);
    }

    @Test
    void aBlockTheSummariesDoNotNameIsNotRead() throws IOException {
        BackupManifest full = TestBackups.take(repo, data, "base_full", FULL_LSN, FULL_START, null, 2);
        put(HOT, page(page(files.get(HOT), 3, FULL_LSN.value() + 10), 7, FULL_LSN.value() + 10), TOUCHED);
        ChangedBlocks.Builder wal = ChangedBlocks.builder(FULL_LSN, DELTA_LSN, 100);
        wal.add(16384, 1663, 5, 0, 3, false);
        BackupManifest delta = TestBackups.takeWithSummaries(repo, data, "base_delta", DELTA_LSN, DELTA_START, full, 2,
                wal.build());
        assertEquals(1, delta.statistics().pagesScanned(), "block 7 changed behind WAL's back is not read");
        assertEquals(1, delta.statistics().pagesStored());
        Path target = tmp.resolve("restored");
        new DefaultRestorer(repo, 2).restore(RestoreRequest.of(BackupSelector.named(delta.name()), target, "false"));
        byte[] restored = Files.readAllBytes(target.resolve(HOT));
        assertArrayEquals(Arrays.copyOfRange(files.get(HOT), 3 * BS, 4 * BS), Arrays.copyOfRange(restored, 3 * BS, 4 * BS));
    }

    @Test
    void aFileWithAnInvalidNamedPageIsStoredWholeAndCountedAsRead() throws IOException {
        BackupManifest full = TestBackups.take(repo, data, "base_full", FULL_LSN, FULL_START, null, 2);
        byte[] hot = files.get(HOT).clone();
        byte[] garbage = bytes(BS);
        System.arraycopy(garbage, 0, hot, 3 * BS, BS);
        put(HOT, hot, TOUCHED);
        ChangedBlocks.Builder wal = ChangedBlocks.builder(FULL_LSN, DELTA_LSN, 100);
        wal.add(16384, 1663, 5, 0, 3, false);
        BackupManifest delta = TestBackups.takeWithSummaries(repo, data, "base_delta", DELTA_LSN, DELTA_START, full, 2,
                wal.build());
        assertEquals(FileEntry.Storage.WHOLE, entry(delta, HOT).storageKind(), "a page that is no page: the file whole");
        assertEquals((8 + 4 + 8) * BS, delta.statistics().bytesSkippedUnread(),
                "only the three files skipped by their time, not the blocks of the file then read whole: " + delta.statistics());
        assertRestores(delta);
    }

    private void assertRestores(BackupManifest m) throws IOException {
        Path target = tmp.resolve("restored");
        new DefaultRestorer(repo, 2).restore(RestoreRequest.of(BackupSelector.named(m.name()), target, "false"));
        for (var e : files.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(target.resolve(e.getKey())), e.getKey() + " in " + m.name());
        }
    }

    private void put(String path, byte[] content, Instant mtime) throws IOException {
        Path p = data.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        Files.setLastModifiedTime(p, FileTime.from(mtime));
        files.put(path, content);
    }

    private byte[] page(byte[] file, int block, long lsn) {
        byte[] out = file.clone();
        System.arraycopy(DeltaChainPropertyTest.pages(1, lsn, random), 0, out, block * BS, BS);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static FileEntry entry(BackupManifest m, String path) {
        return m.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
    }
}
