package io.walkeeper.core.wal;

import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.WalWatch;
import io.walkeeper.api.WalWatchOptions;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resident archiver on a synthetic {@code pg_wal}: it stores every ready segment as it
 * appears and marks it, gives a segment it cannot store no marker (and keeps trying), leaves
 * history files to {@code archive_command}, and removes markers of segments no longer ready.
 */
class WalWatcherTest {
    @TempDir
    Path dir;

    private static String name(int i) {
        return String.format("0000000100000000000000%02X", i);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void storesReadySegmentsAsTheyAppearAndMarksOnlyWhatWasStored() throws Exception {
        InMemoryBlobStore store = new InMemoryBlobStore();
        DefaultWalArchiver archiver = new DefaultWalArchiver(new Repository(store,
                new ObjectFormat(Providers.codec("lz4"), null, null, Providers.codecs())));
        Path wal = dir.resolve("pg_wal");
        Path status = Files.createDirectories(wal.resolve("archive_status"));
        for (int i = 1; i <= 5; i++) {
            Files.write(wal.resolve(name(i)), DefaultWalArchiverTest.segment(name(i), 42L, i));
            Files.writeString(status.resolve(name(i) + ".ready"), "");
        }
        Files.write(wal.resolve(name(4)), new byte[100]); // damaged: refused, so no marker
        Files.writeString(wal.resolve("00000002.history"), "1\t0/3000000\tno target\n");
        Files.writeString(status.resolve("00000002.history.ready"), "");
        Path markers = wal.resolve(".walkeeper-pushed/abc");

        try (WalWatch watch = archiver.watch(dir, WalWatchOptions.defaults().withConcurrency(3)
                .withPollInterval(Duration.ofMillis(20)).withMarkerDirectory(markers))) {
            await(() -> Files.exists(markers.resolve(name(1))) && Files.exists(markers.resolve(name(2)))
                    && Files.exists(markers.resolve(name(3))) && Files.exists(markers.resolve(name(5))), "markers 1-3 and 5");
            assertEquals("abc", Files.readString(markers.resolve(name(1))), "a marker holds its directory's name");
            await(() -> watch.failed() >= 1, "the damaged segment failed");
            assertFalse(Files.exists(markers.resolve(name(4))), "a failed push leaves no marker");
            assertTrue(store.head("wal/" + name(5) + ".lz4").isPresent());
            assertFalse(store.head("wal/00000002.history.lz4").isPresent(), "history files are archive_command's");

            // a segment PostgreSQL finishes while the watcher runs
            Files.write(wal.resolve(name(6)), DefaultWalArchiverTest.segment(name(6), 42L, 6));
            Files.writeString(status.resolve(name(6) + ".ready"), "");
            await(() -> Files.exists(markers.resolve(name(6))), "marker of the new segment");

            // archive_command took segment 1's marker; PostgreSQL marked it done: it is not stored again
            Files.delete(markers.resolve(name(1)));
            Files.move(status.resolve(name(1) + ".ready"), status.resolve(name(1) + ".done"));
            // PostgreSQL archived segment 2 itself: its marker is of no use any more and goes
            Files.move(status.resolve(name(2) + ".ready"), status.resolve(name(2) + ".done"));
            await(() -> !Files.exists(markers.resolve(name(2))), "the unused marker removed");
            long stored = watch.stored();
            Thread.sleep(200);
            assertEquals(stored, watch.stored(), "nothing is stored twice");
            assertFalse(Files.exists(markers.resolve(name(1))));
            assertEquals(5, watch.stored());
        }
    }

    @Test
    void refusesADirectoryWithoutArchiveStatus() {
        DefaultWalArchiver archiver = new DefaultWalArchiver(new Repository(new InMemoryBlobStore(),
                new ObjectFormat(Providers.codec("lz4"), null, null, Providers.codecs())));
        assertThrows(InvalidRequestException.class, () -> archiver.watch(dir, WalWatchOptions.defaults()));
    }
}
