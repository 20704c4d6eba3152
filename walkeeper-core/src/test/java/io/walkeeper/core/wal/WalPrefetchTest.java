package io.walkeeper.core.wal;

import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DefaultWalArchiver#prefetch}: the window after the requested segment, in order, each
 * file verified and written whole; the spool bounded to the window; corrupt or missing objects
 * never spooled; history and partial files never prefetched.
 */
class WalPrefetchTest {
    private static final long SYSID = 7441012542342354944L;

    @TempDir
    Path dir;

    private final InMemoryBlobStore store = new InMemoryBlobStore();
    private Path spool;

    private DefaultWalArchiver archiver(String codec) {
        return new DefaultWalArchiver(new Repository(store,
                new ObjectFormat(Providers.codec(codec), null, null, Providers.codecs())));
    }

    private static String seg(int n) {
        return String.format("00000001000000000000%04X", n);
    }

    private static byte[] content(int n) {
        return DefaultWalArchiverTest.segment(seg(n), SYSID, n);
    }

    @BeforeEach
    void archiveTwelveSegments() throws IOException {
        Path wal = Files.createDirectories(dir.resolve("pg_wal"));
        spool = wal.resolve(".walkeeper-prefetch/id");
        for (int n = 1; n <= 12; n++) {
            archiver(n % 2 == 0 ? "lz4" : "none").push(Files.write(wal.resolve(seg(n)), content(n)));
        }
    }

    private List<String> spooled() throws IOException {
        try (Stream<Path> s = Files.list(spool)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void spoolsTheNextSegmentsInOrderEachWholeAndVerified() throws IOException {
        assertEquals(List.of(seg(4), seg(5), seg(6), seg(7)), archiver("lz4").prefetch(seg(3), spool, 4));
        assertEquals(List.of(seg(4), seg(5), seg(6), seg(7)), spooled(), "no temporary file is left");
        for (int n = 4; n <= 7; n++) {
            assertArrayEquals(content(n), Files.readAllBytes(spool.resolve(seg(n))), seg(n));
        }
        assertEquals(List.of(), archiver("lz4").prefetch(seg(3), spool, 4), "a full window downloads nothing");
    }

    @Test
    void theSpoolNeverHoldsMoreThanTheWindowAfterTheLastRequest() throws IOException {
        archiver("lz4").prefetch(seg(3), spool, 4);
        Files.writeString(spool.resolve(".requested"), seg(5));
        Files.write(spool.resolve("000000020000000000000006"), content(6)); // another timeline
        Files.write(spool.resolve("." + seg(9) + ".walkeeper-1234.tmp"), new byte[10]); // a writer that died
        assertEquals(List.of(seg(8), seg(9)), archiver("lz4").prefetch(seg(5), spool, 4));
        assertEquals(List.of(".requested", seg(6), seg(7), seg(8), seg(9)), spooled(),
                "consumed and older segments, other timelines and stale temporary files are removed; bookkeeping stays");
        archiver("lz4").prefetch(seg(6), spool, 2);
        assertEquals(List.of(".requested", seg(7), seg(8)), spooled(), "a smaller window shrinks the spool");
    }

    @Test
    void stopsAtTheEndOfTheArchiveAndMarksTheSegmentsItDoesNotHold() throws IOException {
        assertEquals(List.of(seg(11), seg(12)), archiver("lz4").prefetch(seg(10), spool, 4));
        assertEquals(List.of(seg(11), seg(12), seg(12) + ".again", seg(13) + ".absent", seg(14) + ".absent"), spooled());
        Instant marked = Files.getLastModifiedTime(spool.resolve(seg(13) + ".absent")).toInstant();
        assertTrue(Duration.between(marked, Instant.now()).abs().toSeconds() < 5, "renewed now: " + marked);

        archiver("lz4").push(Files.write(dir.resolve("pg_wal").resolve(seg(13)), content(13)));
        assertEquals(List.of(seg(13)), archiver("lz4").prefetch(seg(10), spool, 4));
        assertEquals(List.of(seg(11), seg(12), seg(12) + ".again", seg(13), seg(13) + ".again", seg(14) + ".absent"),
                spooled(), "the marker goes when its segment is spooled");
        assertEquals(List.of(), archiver("lz4").prefetch(seg(13), spool, 1));
        assertEquals(List.of(seg(13) + ".again", seg(14) + ".absent"), spooled(), "what leaves the window goes");
        archiver("lz4").prefetch(seg(20), spool, 1);
        assertEquals(List.of(seg(21) + ".absent"), spooled(), "a marker leaves with its window too");
    }

    @Test
    void theArchivesLastSegmentIsKeptAgainForTheRequestAtTheEndOfRecovery() throws IOException {
        archiver("lz4").prefetch(seg(10), spool, 4);
        assertEquals(List.of(seg(11), seg(12), seg(12) + ".again", seg(13) + ".absent", seg(14) + ".absent"), spooled(),
                "copied before the launcher takes the segment");
        assertArrayEquals(content(12), Files.readAllBytes(spool.resolve(seg(12) + ".again")));
        Files.delete(spool.resolve(seg(11))); // taken by the launcher
        Files.delete(spool.resolve(seg(12)));
        Files.delete(spool.resolve(seg(12) + ".again")); // lost: downloaded again, verified
        archiver("lz4").prefetch(seg(12), spool, 2);
        assertEquals(List.of(seg(12) + ".again", seg(13) + ".absent", seg(14) + ".absent"), spooled());
        assertArrayEquals(content(12), Files.readAllBytes(spool.resolve(seg(12) + ".again")), "verified, whole");

        archiver("lz4").push(Files.write(dir.resolve("pg_wal").resolve(seg(13)), content(13)));
        archiver("lz4").prefetch(seg(12), spool, 2);
        assertEquals(List.of(seg(12) + ".again", seg(13), seg(13) + ".again", seg(14) + ".absent"), spooled(),
                "kept while PostgreSQL's last request is that segment");
        Files.delete(spool.resolve(seg(13)));
        archiver("lz4").prefetch(seg(13), spool, 2);
        assertEquals(List.of(seg(13) + ".again", seg(14) + ".absent", seg(15) + ".absent"), spooled(),
                "the older copy goes once recovery has moved on");
    }

    @Test
    void aCorruptObjectIsNeverSpooledAndTheOthersAre() throws IOException {
        // segment 5 stored without compression: a flipped byte in the middle keeps a valid header
        // and size, so only the plaintext SHA-256 stored with the object reveals it
        String key5 = "wal/" + seg(5);
        Map<String, String> metadata = store.head(key5).orElseThrow().metadata();
        byte[] five = readAll(store.get(key5));
        five[five.length / 2] ^= 0x40;
        store.delete(List.of(key5));
        store.create(key5, metadata, out -> out.write(five));
        // segment 6 compressed: the codec or the header check catches it
        String key6 = "wal/" + seg(6) + ".lz4";
        byte[] six = readAll(store.get(key6));
        six[six.length / 2] ^= 0x40;
        store.put(key6, out -> out.write(six));

        assertEquals(List.of(seg(4), seg(7)), archiver("lz4").prefetch(seg(3), spool, 4));
        assertEquals(List.of(seg(4), seg(7)), spooled(), "nothing of the corrupt segments, not even a temporary file");
        assertArrayEquals(content(7), Files.readAllBytes(spool.resolve(seg(7))));
    }

    @Test
    void historyPartialAndBackupFilesAreNeverPrefetched() {
        DefaultWalArchiver a = archiver("lz4");
        assertEquals(List.of(), a.prefetch("00000002.history", spool, 8));
        assertEquals(List.of(), a.prefetch(seg(3) + ".partial", spool, 8));
        assertEquals(List.of(), a.prefetch(seg(3) + ".00000028.backup", spool, 8));
        assertEquals(List.of(), a.prefetch(seg(3), spool, 0), "0 turns it off");
        assertFalse(Files.exists(spool));
        assertThrows(InvalidRequestException.class, () -> a.prefetch("nonsense", spool, 8));
        assertThrows(InvalidRequestException.class, () -> a.prefetch(seg(3), spool, -1));
    }

    @Test
    void followsTheSegmentNumberingAcrossALogIdBoundary() throws IOException {
        // with 1 MiB segments, ...00000000000FFF is followed by ...00000100000000
        Path wal = dir.resolve("pg_wal");
        String last = "000000010000000000000FFF";
        String first = "000000010000000100000000";
        archiver("lz4").push(Files.write(wal.resolve(last), DefaultWalArchiverTest.segment(last, SYSID, 1)));
        archiver("lz4").push(Files.write(wal.resolve(first), DefaultWalArchiverTest.segment(first, SYSID, 2)));
        assertEquals(List.of(last, first), archiver("lz4").prefetch("000000010000000000000FFE", spool, 2));
        assertTrue(Files.isRegularFile(spool.resolve(first)));
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
