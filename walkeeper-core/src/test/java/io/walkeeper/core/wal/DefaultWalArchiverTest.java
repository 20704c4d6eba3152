package io.walkeeper.core.wal;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.WalFetchResult;
import io.walkeeper.api.WalPushResult;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefaultWalArchiverTest {
    private static final long SEG = 1L << 20;
    private static final long SYSID = 7441012542342354944L;

    @TempDir
    Path dir;

    private final InMemoryBlobStore store = new InMemoryBlobStore();

    private DefaultWalArchiver archiver(String codec) {
        return new DefaultWalArchiver(new Repository(store,
                new ObjectFormat(Providers.codec(codec), null, null, Providers.codecs())));
    }

    /** A 1 MiB segment whose long header matches its name, with random (compressible) content. */
    static byte[] segment(String name, long sysid, long seed) {
        long segNo = Long.parseLong(name.substring(8, 16), 16) * (0x1_0000_0000L / SEG) + Long.parseLong(name.substring(16), 16);
        byte[] b = new byte[(int) SEG];
        Random r = new Random(seed);
        for (int i = 64; i < b.length; i += 16) {
            b[i] = (byte) r.nextInt(4);
        }
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        h.putShort(0, (short) 0xD110).putShort(2, (short) 0x0002).putInt(4, 1).putLong(8, segNo * SEG)
                .putLong(24, sysid).putInt(32, (int) SEG).putInt(36, 8192);
        return b;
    }

    private Path write(String name, byte[] content) throws IOException {
        Path p = dir.resolve("pg_wal").resolve(name);
        Files.createDirectories(p.getParent());
        return Files.write(p, content);
    }

    @Test
    void pushThenFetchGivesTheSameBytes() throws IOException {
        byte[] seg = segment("000000010000000000000003", SYSID, 1);
        assertEquals(WalPushResult.STORED, archiver("lz4").push(write("000000010000000000000003", seg)));
        assertTrue(store.head("wal/000000010000000000000003.lz4").isPresent());
        assertTrue(store.head("wal/000000010000000000000003.lz4").get().size() < SEG / 2, "stored compressed");
        Path dest = dir.resolve("restore/RECOVERYXLOG");
        Files.createDirectories(dest.getParent());
        assertEquals(WalFetchResult.FETCHED, archiver("zstd").fetch("000000010000000000000003", dest));
        assertArrayEquals(seg, Files.readAllBytes(dest));
        assertEquals(List.of("RECOVERYXLOG"), list(dest.getParent()), "no temporary file is left");
    }

    @Test
    void aSecondPushOfIdenticalContentSucceedsAndDifferentContentIsRefused() throws IOException {
        Path p = write("000000010000000000000004", segment("000000010000000000000004", SYSID, 2));
        assertEquals(WalPushResult.STORED, archiver("lz4").push(p));
        assertEquals(WalPushResult.ALREADY_ARCHIVED, archiver("zstd").push(p), "whatever today's codec is");
        byte[] stored = readAll(store.get("wal/000000010000000000000004.lz4"));
        Files.write(p, segment("000000010000000000000004", SYSID, 3));
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class, () -> archiver("lz4").push(p));
        assertTrue(e.getMessage().contains("Refusing to overwrite"), e.getMessage());
        assertArrayEquals(stored, readAll(store.get("wal/000000010000000000000004.lz4")), "the archived copy is untouched");
        assertEquals(1, store.list("wal/").count());
    }

    @Test
    void refusesBadNamesMissingFilesAndDamagedSegments() throws IOException {
        DefaultWalArchiver a = archiver("lz4");
        Path bad = write("notawal", new byte[10]);
        assertTrue(assertThrows(InvalidRequestException.class, () -> a.push(bad)).getMessage().contains("notawal"));
        Path missing = dir.resolve("pg_wal/000000010000000000000009");
        assertTrue(assertThrows(InvalidRequestException.class, () -> a.push(missing)).getMessage().contains("no such file"));
        Path wrongAddress = write("000000010000000000000005", segment("000000010000000000000006", SYSID, 4));
        assertTrue(assertThrows(InvalidRequestException.class, () -> a.push(wrongAddress)).getMessage().contains("page address"));
        Path shortFile = write("000000010000000000000007", new byte[100]);
        assertThrows(InvalidRequestException.class, () -> a.push(shortFile));
        assertEquals(0, store.list("").count(), "nothing was stored");
    }

    @Test
    void refusesWalOfAnotherCluster() throws IOException {
        archiver("lz4").push(write("000000010000000000000003", segment("000000010000000000000003", SYSID, 1)));
        Path other = write("000000010000000000000004", segment("000000010000000000000004", SYSID + 1, 1));
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> archiver("lz4").push(other));
        assertTrue(e.getMessage().contains("belongs to the cluster"), e.getMessage());
    }

    @Test
    void missingWalIsItsOwnOutcomeAndWritesNothing() throws IOException {
        Path dest = Files.createDirectories(dir.resolve("r")).resolve("RECOVERYXLOG");
        assertEquals(WalFetchResult.NOT_FOUND, archiver("lz4").fetch("00000002.history", dest));
        assertEquals(WalFetchResult.NOT_FOUND, archiver("lz4").fetch("000000010000000000000042", dest));
        assertFalse(Files.exists(dest));
        assertEquals(List.of(), list(dest.getParent()));
    }

    @Test
    void aCorruptArchivedSegmentFailsAndLeavesNothingBehind() throws IOException {
        archiver("lz4").push(write("000000010000000000000003", segment("000000010000000000000003", SYSID, 1)));
        byte[] stored = readAll(store.get("wal/000000010000000000000003.lz4"));
        stored[stored.length / 2] ^= 0x40;
        store.put("wal/000000010000000000000003.lz4", out -> out.write(stored));
        Path dest = Files.createDirectories(dir.resolve("r")).resolve("RECOVERYXLOG");
        IntegrityException e = assertThrows(IntegrityException.class, () -> archiver("lz4").fetch("000000010000000000000003", dest));
        assertTrue(e.getMessage().contains("wal/000000010000000000000003.lz4"), e.getMessage());
        assertEquals(List.of(), list(dest.getParent()));
    }

    @Test
    void aTruncatedArchivedSegmentFails() throws IOException {
        archiver("none").push(write("000000010000000000000003", segment("000000010000000000000003", SYSID, 1)));
        byte[] stored = readAll(store.get("wal/000000010000000000000003"));
        store.put("wal/000000010000000000000003", out -> out.write(stored, 0, stored.length - 4096));
        Path dest = Files.createDirectories(dir.resolve("r")).resolve("RECOVERYXLOG");
        assertThrows(IntegrityException.class, () -> archiver("lz4").fetch("000000010000000000000003", dest));
        assertEquals(List.of(), list(dest.getParent()));
    }

    @Test
    void historyAndBackupFilesRoundTrip() throws IOException {
        byte[] history = "1\t0/3045948\tat restore point \"rp1\"\n".getBytes();
        archiver("zstd").push(write("00000002.history", history));
        byte[] label = "START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\n".getBytes();
        archiver("zstd").push(write("000000010000000000000002.00000028.backup", label));
        Path dest = Files.createDirectories(dir.resolve("r")).resolve("h");
        assertEquals(WalFetchResult.FETCHED, archiver("lz4").fetch("00000002.history", dest));
        assertArrayEquals(history, Files.readAllBytes(dest));
        try (Stream<BlobInfo> s = store.list("wal/")) {
            assertEquals(List.of("wal/000000010000000000000002.00000028.backup.zst", "wal/00000002.history.zst"),
                    s.map(BlobInfo::key).toList());
        }
    }

    @Test
    void anObjectWrittenWithACodecThisClassPathLacksIsAClearErrorNotAMissingFile() throws IOException {
        store.create("wal/000000010000000000000003.zz9", out -> out.write(new byte[] {1, 2, 3}));
        Path dest = Files.createDirectories(dir.resolve("r")).resolve("RECOVERYXLOG");
        io.walkeeper.api.ConfigurationException e = assertThrows(io.walkeeper.api.ConfigurationException.class,
                () -> archiver("lz4").fetch("000000010000000000000003", dest));
        assertTrue(e.getMessage().contains("wal/000000010000000000000003.zz9") && e.getMessage().contains(".zz9"), e.getMessage());
        assertEquals(List.of(), list(dest.getParent()));
    }

    private static List<String> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
