package io.walkeeper.core.wal;

import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WalPushAheadTest {
    @TempDir
    Path dir;

    @Test
    void pushesTheOldestReadySegmentsAndMarksOnlyWhatWasStored() throws IOException {
        InMemoryBlobStore store = new InMemoryBlobStore();
        DefaultWalArchiver archiver = archiver(store);
        Path wal = Files.createDirectories(dir.resolve("pg_wal/archive_status"));
        for (int i = 1; i <= 6; i++) {
            String name = String.format("0000000100000000000000%02X", i);
            Files.write(dir.resolve("pg_wal").resolve(name), DefaultWalArchiverTest.segment(name, 42L, i));
            Files.writeString(wal.resolve(name + (i == 6 ? ".done" : ".ready")), "");
        }
        // a damaged segment: refused by the archiver, so it must get no marker
        Files.write(dir.resolve("pg_wal/000000010000000000000004"), new byte[100]);
        Files.writeString(wal.resolve("00000002.history.ready"), "");
        Files.writeString(dir.resolve("pg_wal/00000002.history"), "1\t0/3000000\tno target\n");

        Path markers = dir.resolve("pg_wal/.walkeeper-pushed/abc");
        List<String> pushed = new WalPushAhead(archiver, 3).pushReady(dir.resolve("pg_wal"), "000000010000000000000001", 3, markers);

        assertEquals(List.of("000000010000000000000002", "000000010000000000000003"), pushed);
        assertTrue(Files.exists(markers.resolve("000000010000000000000002")));
        assertTrue(Files.exists(markers.resolve("000000010000000000000003")));
        assertFalse(Files.exists(markers.resolve("000000010000000000000004")), "a failed push leaves no marker");
        assertFalse(Files.exists(markers.resolve("000000010000000000000001")), "the current file is the caller's");
        assertTrue(store.head("wal/000000010000000000000002.lz4").isPresent());
        assertFalse(store.head("wal/000000010000000000000005.lz4").isPresent(), "at most 3 were tried");
        assertFalse(store.head("wal/00000002.history.lz4").isPresent(), "only segments are pushed ahead");

        // PostgreSQL marks the file it archived itself done; the next round skips what is already marked
        Files.move(wal.resolve("000000010000000000000001.ready"), wal.resolve("000000010000000000000001.done"));
        List<String> next = new WalPushAhead(archiver, 3).pushReady(dir.resolve("pg_wal"), "000000010000000000000002", 8, markers);
        assertEquals(List.of("000000010000000000000005"), next);
    }

    /**
     * A wal-push killed between writing a marker's temporary file and renaming it left the
     * temporary file for ever; the next push-ahead removes one older than a minute (a younger one
     * may be another push's, being written).
     */
    @Test
    void aMarkersTemporaryFileLeftByAKilledPushIsRemovedOnceStale() throws IOException {
        InMemoryBlobStore store = new InMemoryBlobStore();
        DefaultWalArchiver archiver = archiver(store);
        Path status = Files.createDirectories(dir.resolve("pg_wal/archive_status"));
        String name = "000000010000000000000002";
        Files.write(dir.resolve("pg_wal").resolve(name), DefaultWalArchiverTest.segment(name, 42L, 2));
        Files.writeString(status.resolve(name + ".ready"), "");
        Path markers = Files.createDirectories(dir.resolve("pg_wal/.walkeeper-pushed/abc"));
        Path stale = Files.writeString(markers.resolve(".000000010000000000000001.tmp"), "abc");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(120)));
        Path young = Files.writeString(markers.resolve(".000000010000000000000003.tmp"), "abc");

        new WalPushAhead(archiver, 2).pushReady(dir.resolve("pg_wal"), "000000010000000000000001", 8, markers);

        assertFalse(Files.exists(stale), "a stale temporary marker is removed");
        assertTrue(Files.exists(young), "a temporary marker being written is left alone");
        assertTrue(Files.exists(markers.resolve(name)));
    }

    /** An archiver storing lz4-compressed WAL in {@code store}. */
    private static DefaultWalArchiver archiver(InMemoryBlobStore store) {
        return new DefaultWalArchiver(new Repository(store,
                new ObjectFormat(Providers.codec("lz4"), null, null, Providers.codecs())));
    }
}
