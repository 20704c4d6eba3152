package io.walkeeper.core.backup;

import io.walkeeper.api.BackupStatistics;
import io.walkeeper.api.Lsn;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

import static io.walkeeper.core.backup.SyntheticDataDirectory.BS;
import static io.walkeeper.core.backup.SyntheticDataDirectory.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Relation files that a delta records as unchanged without reading them, through the real part
 * writer and restorer: only those whose size and modification time are the parent's and older
 * than its start; every other one is read, and the chain restores byte for byte.
 */
class SkipUnreadDeltaTest {
    private static final Instant OLD = Instant.parse("2026-01-01T00:00:00.123456789Z");
    private static final Instant FULL_START = Instant.parse("2026-01-01T01:00:00.400Z");
    private static final Instant D1_START = FULL_START.plusSeconds(3600);
    private static final Instant D2_START = FULL_START.plusSeconds(7200);
    private static final Lsn FULL_LSN = new Lsn(1L << 24);
    private static final Lsn D1_LSN = new Lsn(2L << 24);
    private static final String COLD = "base/1/16384";
    private static final String HOT = "base/1/16385";
    private static final String COARSE = "base/1/16386";
    private static final String SHRUNK = "base/1/16387";
    private static final String NEW = "base/1/16388";
    private static final String VM = "base/1/16384_vm";

    @TempDir
    Path tmp;
    private SyntheticDataDirectory dir;

    @BeforeEach
    void initialState() throws IOException {
        dir = new SyntheticDataDirectory(tmp, 11);
        dir.put("global/pg_control", dir.bytes(BS), OLD);
        dir.put("postgresql.conf", dir.bytes(300), OLD);
        dir.put(VM, dir.bytes(BS), OLD);
        dir.put(COLD, DeltaChainPropertyTest.pages(8, 0x100, dir.random), OLD);
        dir.put(HOT, DeltaChainPropertyTest.pages(8, 0x100, dir.random), OLD);
        // written in the second the full backup started: a later write may keep this time on a coarse clock
        dir.put(COARSE, DeltaChainPropertyTest.pages(8, 0x100, dir.random), FULL_START.minusMillis(400));
        dir.put(SHRUNK, DeltaChainPropertyTest.pages(8, 0x100, dir.random), OLD);
    }

    @Test
    void aFileWithTheParentsSizeAndAnOldTimeIsNotOpened() throws IOException {
        BackupManifest full = TestBackups.take(dir.repo, dir.data, "base_full", FULL_LSN, FULL_START, null, 3);
        // changed behind the rule's back (as cp -p would): had the file been read, its new pages would be stored
        dir.put(COLD, DeltaChainPropertyTest.pages(8, D1_LSN.value() - 1, dir.random), OLD);
        BackupManifest d1 = TestBackups.take(dir.repo, dir.data, "base_d1", D1_LSN, D1_START, full, 3);
        FileEntry cold = entry(d1, COLD);
        assertEquals(FileEntry.Storage.UNCHANGED, cold.storageKind());
        assertNull(cold.part());
        BackupStatistics s = d1.statistics();
        assertEquals(3, s.filesSkippedUnread(), "the cold, hot and shrunk files, untouched here: " + s);
        assertEquals(3 * 8 * BS, s.bytesSkippedUnread(), s.toString());
        assertEquals(8, s.pagesScanned(), "only the file written in the full backup's start second is read: " + s);
        assertEquals(0, s.pagesStored(), s.toString());
    }

    @Test
    void everyOtherRelationFileIsReadAndTheChainRestoresExactly() throws IOException {
        BackupManifest full = TestBackups.take(dir.repo, dir.data, "base_full", FULL_LSN, FULL_START, null, 3);
        assertEquals(0, full.statistics().filesSkippedUnread());

        Instant afterFull = FULL_START.plusSeconds(1800);
        dir.put(HOT, dir.page(dir.files.get(HOT), 3, FULL_LSN.value() + 10), afterFull);               // same size, new time
        dir.put(COARSE, dir.page(dir.files.get(COARSE), 2, FULL_LSN.value() + 20), dir.mtime(COARSE)); // same size, same time
        dir.put(SHRUNK, Arrays.copyOf(dir.files.get(SHRUNK), 4 * BS), OLD);                            // truncated, old time
        dir.put(NEW, DeltaChainPropertyTest.pages(3, FULL_LSN.value() + 30, dir.random), afterFull);   // not in the parent
        BackupManifest d1 = TestBackups.take(dir.repo, dir.data, "base_d1", D1_LSN, D1_START, full, 3);
        assertEquals(FileEntry.Storage.UNCHANGED, entry(d1, COLD).storageKind());
        assertEquals(FileEntry.Storage.DELTA, entry(d1, HOT).storageKind());
        assertEquals(FileEntry.Storage.DELTA, entry(d1, COARSE).storageKind(), "modified in the parent's start second");
        assertEquals(FileEntry.Storage.DELTA, entry(d1, SHRUNK).storageKind());
        assertEquals(4 * BS, entry(d1, SHRUNK).size());
        assertEquals(FileEntry.Storage.WHOLE, entry(d1, NEW).storageKind());
        assertEquals(1, d1.statistics().filesSkippedUnread(), d1.statistics().toString());
        assertEquals(8 * BS, d1.statistics().bytesSkippedUnread());
        dir.assertRestores(d1, "restored-d1");

        BackupManifest d2 = TestBackups.take(dir.repo, dir.data, "base_d2", new Lsn(3L << 24), D2_START, d1, 3);
        for (String p : new String[] {COLD, HOT, COARSE, SHRUNK, NEW}) {
            assertEquals(FileEntry.Storage.UNCHANGED, entry(d2, p).storageKind(), p);
        }
        assertEquals(5, d2.statistics().filesSkippedUnread(), "the cold file's entry was already unchanged in d1");
        assertEquals(FileEntry.Storage.UNCHANGED, entry(d2, VM).storageKind(), "a visibility map is compared by content");
        assertEquals(0, d2.statistics().pagesScanned());
        dir.assertRestores(d2, "restored-d2");
    }
}
