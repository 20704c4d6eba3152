package io.walkeeper.core.backup;

import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.core.pg.ChangedBlocks;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.restore.DefaultRestorer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

import static io.walkeeper.core.backup.SyntheticDataDirectory.BS;
import static io.walkeeper.core.backup.SyntheticDataDirectory.entry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A delta that reads only the blocks the WAL summaries name, through the real part writer and
 * restorer: named blocks, blocks past the parent's end and past a limit block are read and
 * stored, the rest is not even read, and the chain restores byte for byte.
 */
class WalSummaryDeltaTest {
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
    private SyntheticDataDirectory dir;

    @BeforeEach
    void initialState() throws IOException {
        dir = new SyntheticDataDirectory(tmp, 17);
        dir.put("global/pg_control", dir.bytes(BS), OLD);
        dir.put(HOT, DeltaChainPropertyTest.pages(16, 0x100, dir.random), OLD);
        dir.put(TRUNCATED, DeltaChainPropertyTest.pages(8, 0x100, dir.random), OLD);
        dir.put(COPIED_DB, DeltaChainPropertyTest.pages(4, 0x100, dir.random), OLD);
        dir.put(QUIET, DeltaChainPropertyTest.pages(8, 0x100, dir.random), OLD);
    }

    @Test
    void onlyNamedBlocksAndTheTailsAreReadAndTheChainRestoresExactly() throws IOException {
        BackupManifest full = TestBackups.take(dir.repo, dir.data, "base_full", FULL_LSN, FULL_START, null, 2);
        long after = FULL_LSN.value() + 10;
        byte[] hot = dir.page(dir.page(dir.files.get(HOT), 3, after), 9, after);
        dir.put(HOT, concat(hot, DeltaChainPropertyTest.pages(2, after, dir.random)), TOUCHED); // grown by two blocks
        byte[] truncated = Arrays.copyOf(dir.files.get(TRUNCATED), 6 * BS);
        dir.put(TRUNCATED, dir.page(dir.page(truncated, 4, after), 5, after), TOUCHED);         // truncated to 4, re-extended
        dir.put(COPIED_DB, DeltaChainPropertyTest.pages(4, 0x100, dir.random), TOUCHED);        // created again by a copy
        dir.put(QUIET, dir.files.get(QUIET), TOUCHED);                                          // touched, no page changed
        ChangedBlocks.Builder wal = ChangedBlocks.builder(FULL_LSN, DELTA_LSN, 100);
        wal.add(16384, 1663, 5, 0, 3, false);
        wal.add(16384, 1663, 5, 0, 9, false);
        wal.add(16384, 1663, 5, 0, 16, false);
        wal.add(16385, 1663, 5, 0, 4, true);
        wal.add(0, 1663, 16392, 0, 0, true);

        BackupManifest delta = TestBackups.takeWithSummaries(dir.repo, dir.data, "base_delta", DELTA_LSN, DELTA_START,
                full, 2, wal.build());
        assertEquals(FileEntry.Storage.DELTA, entry(delta, HOT).storageKind());
        assertEquals(FileEntry.Storage.DELTA, entry(delta, TRUNCATED).storageKind());
        assertEquals(FileEntry.Storage.WHOLE, entry(delta, COPIED_DB).storageKind(), "its database was copied anew");
        assertEquals(FileEntry.Storage.UNCHANGED, entry(delta, QUIET).storageKind());
        // HOT: 3, 9 named, 16 and 17 past the parent's end; TRUNCATED: 4 and 5 from its limit; COPIED_DB: all 4
        assertEquals(4 + 2 + 4, delta.statistics().pagesScanned(), delta.statistics().toString());
        assertEquals(4 + 2, delta.statistics().pagesStored(), delta.statistics().toString());
        long unread = (18 - 4) + (6 - 2) + 8;
        assertEquals(unread * BS, delta.statistics().bytesSkippedUnread(), delta.statistics().toString());
        dir.assertRestores(delta, "restored");
    }

    @Test
    void aBlockTheSummariesDoNotNameIsNotRead() throws IOException {
        BackupManifest full = TestBackups.take(dir.repo, dir.data, "base_full", FULL_LSN, FULL_START, null, 2);
        dir.put(HOT, dir.page(dir.page(dir.files.get(HOT), 3, FULL_LSN.value() + 10), 7, FULL_LSN.value() + 10), TOUCHED);
        ChangedBlocks.Builder wal = ChangedBlocks.builder(FULL_LSN, DELTA_LSN, 100);
        wal.add(16384, 1663, 5, 0, 3, false);
        BackupManifest delta = TestBackups.takeWithSummaries(dir.repo, dir.data, "base_delta", DELTA_LSN, DELTA_START,
                full, 2, wal.build());
        assertEquals(1, delta.statistics().pagesScanned(), "block 7 changed behind WAL's back is not read");
        assertEquals(1, delta.statistics().pagesStored());
        Path target = tmp.resolve("restored");
        new DefaultRestorer(dir.repo, 2).restore(RestoreRequest.of(BackupSelector.named(delta.name()), target, "false"));
        byte[] restored = Files.readAllBytes(target.resolve(HOT));
        assertArrayEquals(Arrays.copyOfRange(dir.files.get(HOT), 3 * BS, 4 * BS), Arrays.copyOfRange(restored, 3 * BS, 4 * BS));
    }

    @Test
    void aFileWithAnInvalidNamedPageIsStoredWholeAndCountedAsRead() throws IOException {
        BackupManifest full = TestBackups.take(dir.repo, dir.data, "base_full", FULL_LSN, FULL_START, null, 2);
        byte[] hot = dir.files.get(HOT).clone();
        byte[] garbage = dir.bytes(BS);
        System.arraycopy(garbage, 0, hot, 3 * BS, BS);
        dir.put(HOT, hot, TOUCHED);
        ChangedBlocks.Builder wal = ChangedBlocks.builder(FULL_LSN, DELTA_LSN, 100);
        wal.add(16384, 1663, 5, 0, 3, false);
        BackupManifest delta = TestBackups.takeWithSummaries(dir.repo, dir.data, "base_delta", DELTA_LSN, DELTA_START,
                full, 2, wal.build());
        assertEquals(FileEntry.Storage.WHOLE, entry(delta, HOT).storageKind(), "a page that is no page: the file whole");
        assertEquals((8 + 4 + 8) * BS, delta.statistics().bytesSkippedUnread(),
                "only the three files skipped by their time, not the blocks of the file then read whole: " + delta.statistics());
        dir.assertRestores(delta, "restored");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
