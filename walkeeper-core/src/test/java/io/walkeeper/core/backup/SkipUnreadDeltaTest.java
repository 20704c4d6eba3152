package io.walkeeper.core.backup;

import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.BackupStatistics;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.RestoreRequest;
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
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Relation files that a delta records as unchanged without reading them, through the real part
 * writer and restorer: only those whose size and modification time are the parent's and older
 * than its start; every other one is read, and the chain restores byte for byte.
 */
class SkipUnreadDeltaTest {
    private static final int BS = 8192;
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
    private Path data;
    private Repository repo;
    private final Random random = new Random(11);
    private final Map<String, byte[]> files = new TreeMap<>();

    @BeforeEach
    void initialState() throws IOException {
        data = tmp.resolve("data");
        repo = new Repository(new InMemoryBlobStore(),
                new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null, Providers.codecs()));
        put("global/pg_control", bytes(BS), OLD);
        put("postgresql.conf", bytes(300), OLD);
        put(VM, bytes(BS), OLD);
        put(COLD, DeltaChainPropertyTest.pages(8, 0x100, random), OLD);
        put(HOT, DeltaChainPropertyTest.pages(8, 0x100, random), OLD);
        // written in the second the full backup started: a later write may keep this time on a coarse clock
        put(COARSE, DeltaChainPropertyTest.pages(8, 0x100, random), FULL_START.minusMillis(400));
        put(SHRUNK, DeltaChainPropertyTest.pages(8, 0x100, random), OLD);
    }

    @Test
    void aFileWithTheParentsSizeAndAnOldTimeIsNotOpened() throws IOException {
        BackupManifest full = TestBackups.take(repo, data, "base_full", FULL_LSN, FULL_START, null, 3);
        // changed behind the rule's back (as cp -p would): had the file been read, its new pages would be stored
        put(COLD, DeltaChainPropertyTest.pages(8, D1_LSN.value() - 1, random), OLD);
        BackupManifest d1 = TestBackups.take(repo, data, "base_d1", D1_LSN, D1_START, full, 3);
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
        BackupManifest full = TestBackups.take(repo, data, "base_full", FULL_LSN, FULL_START, null, 3);
        assertEquals(0, full.statistics().filesSkippedUnread());

        Instant afterFull = FULL_START.plusSeconds(1800);
        put(HOT, page(files.get(HOT), 3, FULL_LSN.value() + 10), afterFull);                // same size, new time
        put(COARSE, page(files.get(COARSE), 2, FULL_LSN.value() + 20), mtime(COARSE));       // same size, same time
        put(SHRUNK, Arrays.copyOf(files.get(SHRUNK), 4 * BS), OLD);                          // truncated, old time
        put(NEW, DeltaChainPropertyTest.pages(3, FULL_LSN.value() + 30, random), afterFull); // not in the parent
        BackupManifest d1 = TestBackups.take(repo, data, "base_d1", D1_LSN, D1_START, full, 3);
        assertEquals(FileEntry.Storage.UNCHANGED, entry(d1, COLD).storageKind());
        assertEquals(FileEntry.Storage.DELTA, entry(d1, HOT).storageKind());
        assertEquals(FileEntry.Storage.DELTA, entry(d1, COARSE).storageKind(), "modified in the parent's start second");
        assertEquals(FileEntry.Storage.DELTA, entry(d1, SHRUNK).storageKind());
        assertEquals(4 * BS, entry(d1, SHRUNK).size());
        assertEquals(FileEntry.Storage.WHOLE, entry(d1, NEW).storageKind());
        assertEquals(1, d1.statistics().filesSkippedUnread(), d1.statistics().toString());
        assertEquals(8 * BS, d1.statistics().bytesSkippedUnread());
        assertRestores(d1, "restored-d1");

        BackupManifest d2 = TestBackups.take(repo, data, "base_d2", new Lsn(3L << 24), D2_START, d1, 3);
        for (String p : new String[] {COLD, HOT, COARSE, SHRUNK, NEW}) {
            assertEquals(FileEntry.Storage.UNCHANGED, entry(d2, p).storageKind(), p);
        }
        assertEquals(5, d2.statistics().filesSkippedUnread(), "the cold file's entry was already unchanged in d1");
        assertEquals(FileEntry.Storage.UNCHANGED, entry(d2, VM).storageKind(), "a visibility map is compared by content");
        assertEquals(0, d2.statistics().pagesScanned());
        assertRestores(d2, "restored-d2");
    }

    private void assertRestores(BackupManifest m, String dir) throws IOException {
        Path target = tmp.resolve(dir);
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

    private Instant mtime(String path) throws IOException {
        return Files.getLastModifiedTime(data.resolve(path)).toInstant();
    }

    private byte[] page(byte[] file, int block, long lsn) {
        byte[] out = file.clone();
        System.arraycopy(DeltaChainPropertyTest.pages(1, lsn, random), 0, out, block * BS, BS);
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
