package io.walkeeper.core.backup;

import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.VerificationResult;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.Json;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryLayout;
import io.walkeeper.core.restore.DefaultRestorer;
import io.walkeeper.crypto.OpenPgpKeys;
import io.walkeeper.spi.EncryptionProvider;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file larger than the chunk size is stored in chunks, each a part of its own written in
 * parallel, listed in its manifest entry, and restored byte for byte with every codec and with
 * encryption; a damaged or missing chunk fails the restore naming the file and the chunk.
 */
class ChunkedPartsTest {
    private static final int BS = 8192;
    private static final long MIB = 1 << 20;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String RELATION = "base/1/16384";
    private static final String BLOB = "base/1/big.dat";
    private static OpenPgpKeys.KeyPair keys;

    @TempDir
    Path tmp;

    @BeforeAll
    static void generateKeys() {
        keys = OpenPgpKeys.generate("walkeeper test <test@example.com>", "pw".toCharArray());
    }

    private Repository repository(InMemoryBlobStore store, String codec, boolean encrypted) throws IOException {
        if (!encrypted) {
            return new Repository(store, new ObjectFormat(Providers.codec(codec), null, null, Providers.codecs()));
        }
        Path sec = Files.writeString(tmp.resolve("sec.asc"), keys.privateKey());
        EncryptionProvider openpgp = Providers.encryption("openpgp");
        return new Repository(store, new ObjectFormat(Providers.codec(codec), openpgp,
                openpgp.configure(Map.of("openpgp.private-key-path", sec.toString(), "openpgp.passphrase", "pw")),
                Providers.codecs()));
    }

    /** A page with a valid header (no checksums), random content and the given LSN. */
    private static void page(byte[] b, int off, Random r, long lsn) {
        byte[] content = new byte[BS];
        r.nextBytes(content);
        System.arraycopy(content, 0, b, off, BS);
        ByteBuffer h = ByteBuffer.wrap(b, off, 24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(off, (int) (lsn >>> 32)).putInt(off + 4, (int) lsn);
        h.putShort(off + 8, (short) 0).putShort(off + 10, (short) 0).putShort(off + 12, (short) 24)
                .putShort(off + 14, (short) 4096).putShort(off + 16, (short) BS).putShort(off + 18, (short) (BS | 4));
    }

    /** A data directory: a relation file of 3.5 MiB and 3 pages, a 3 MiB + 123-byte non-relation file, small files. */
    private Path data(Random r) throws IOException {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("global"));
        Files.createDirectories(data.resolve("base/1"));
        byte[] control = new byte[BS];
        r.nextBytes(control);
        Files.write(data.resolve("global/pg_control"), control);
        byte[] rel = new byte[(int) (3 * MIB + MIB / 2 + 3 * BS)];
        for (int off = 0; off < rel.length; off += BS) {
            page(rel, off, r, 0x100);
        }
        Files.write(data.resolve(RELATION), rel);
        byte[] blob = new byte[(int) (3 * MIB + 123)];
        r.nextBytes(blob);
        Files.write(data.resolve(BLOB), blob);
        Files.writeString(data.resolve("PG_VERSION"), "15\n");
        return data;
    }

    private static FileEntry entry(BackupManifest m, String path) {
        return m.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
    }

    private static RestoreRequest request(Path target, String name) {
        return RestoreRequest.of(BackupSelector.named(name), target, "fetch %f %p");
    }

    private static void assertSameFiles(Path data, Path restored) throws IOException {
        for (String p : List.of(RELATION, BLOB, "PG_VERSION", "global/pg_control")) {
            assertArrayEquals(Files.readAllBytes(data.resolve(p)), Files.readAllBytes(restored.resolve(p)), p);
        }
    }

    @ParameterizedTest
    @CsvSource({"lz4,false", "lz4,true", "zstd,false", "zstd,true", "none,false", "brotli,false", "xz,true"})
    void aLargeFileIsStoredInChunksAndRestoresByteForByte(String codec, boolean encrypted) throws IOException {
        InMemoryBlobStore store = new InMemoryBlobStore();
        Repository repo = repository(store, codec, encrypted);
        Path data = data(new Random(7));
        BackupManifest m = TestBackups.takeInParts(repo, data, "base_1", new Lsn(1L << 24), T0, null, MIB);

        assertEquals(RepositoryLayout.CHUNKED_FORMAT_VERSION, m.formatVersion());
        FileEntry rel = entry(m, RELATION);
        assertEquals(4, rel.chunks().size(), rel.toString());
        assertEquals(List.of(0L, MIB, 2 * MIB, 3 * MIB), rel.chunks().stream().map(FileEntry.Chunk::offset).toList());
        assertEquals(MIB / 2 + 3 * BS, rel.chunks().get(3).length());
        assertEquals(rel.chunks().get(0).part(), rel.part());
        assertEquals(4, entry(m, BLOB).chunks().size());
        assertEquals(123, entry(m, BLOB).chunks().get(3).length());
        assertNull(entry(m, "PG_VERSION").chunks(), "a small file is in one part");
        Set<String> chunkParts = new HashSet<>();
        for (String p : List.of(RELATION, BLOB)) {
            entry(m, p).chunks().forEach(c -> assertTrue(chunkParts.add(c.part()), "one chunk per part: " + c));
        }
        assertTrue(m.parts().stream().map(BackupManifest.Part::key).toList().containsAll(chunkParts));
        assertEquals(4, m.statistics().filesStoredWhole(), "each chunked file counts once: " + m.statistics());
        assertEquals(m, Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(m), BackupManifest.class).validate("t"));

        Path restored = tmp.resolve("restored");
        new DefaultRestorer(repo, 2).restore(request(restored, "base_1"));
        assertSameFiles(data, restored);
        assertTrue(new DefaultRestorer(repo, 2).verify(BackupSelector.named("base_1"), true).problems().stream()
                .noneMatch(p -> p.contains("part")));
    }

    @Test
    void aDamagedChunkFailsTheRestoreNamingTheFileAndTheChunk() throws IOException {
        InMemoryBlobStore store = new InMemoryBlobStore();
        Repository repo = repository(store, "lz4", false);
        Path data = data(new Random(8));
        BackupManifest m = TestBackups.takeInParts(repo, data, "base_1", new Lsn(1L << 24), T0, null, MIB);
        String key = RepositoryLayout.backupPrefix("base_1") + entry(m, BLOB).chunks().get(1).part();
        byte[] stored;
        try (InputStream in = store.get(key)) {
            stored = in.readAllBytes();
        }
        byte[] damaged = stored.clone();
        damaged[damaged.length / 2] ^= 0x40;
        store.put(key, out -> out.write(damaged));

        Path target = tmp.resolve("damaged");
        IntegrityException e = assertThrows(IntegrityException.class, () -> new DefaultRestorer(repo, 2).restore(
                request(target, "base_1")));
        assertTrue(e.getMessage().contains("chunk 2 of 4 of '" + BLOB + "'") && e.getMessage().contains(key), e.getMessage());
        assertFalse(Files.exists(target), "the restore was undone");
        VerificationResult v = new DefaultRestorer(repo, 2).verify(BackupSelector.named("base_1"), true);
        assertTrue(v.problems().stream().anyMatch(p -> p.contains("chunk 2 of 4 of '" + BLOB + "'")), v.problems().toString());

        store.put(key, out -> out.write(stored));
        String missing = RepositoryLayout.backupPrefix("base_1") + entry(m, RELATION).chunks().get(2).part();
        store.delete(List.of(missing));
        IntegrityException gone = assertThrows(IntegrityException.class, () -> new DefaultRestorer(repo, 2).restore(
                request(target, "base_1")));
        assertTrue(gone.getMessage().contains("chunk 3 of 4 of '" + RELATION + "'") && gone.getMessage().contains(missing)
                && gone.getMessage().contains("missing"), gone.getMessage());
        assertFalse(Files.exists(target), "the restore was undone");
    }

    @Test
    void aDeltaOverAChunkedFullRestoresTheNewestContent() throws IOException {
        InMemoryBlobStore store = new InMemoryBlobStore();
        Repository repo = repository(store, "zstd", true);
        Random r = new Random(9);
        Path data = data(r);
        BackupManifest full = TestBackups.takeInParts(repo, data, "base_1", new Lsn(1L << 24), T0, null, MIB);

        byte[] rel = Files.readAllBytes(data.resolve(RELATION));
        byte[] grown = java.util.Arrays.copyOf(rel, rel.length + 2 * BS);
        for (int block : new int[] {3, 200, 449, rel.length / BS, rel.length / BS + 1}) {
            page(grown, block * BS, r, 2L << 24);
        }
        Files.write(data.resolve(RELATION), grown);
        byte[] blob = new byte[(int) (2 * MIB + 5)];
        r.nextBytes(blob);
        Files.write(data.resolve(BLOB), blob);
        Files.write(data.resolve("base/1/16390"), new byte[(int) (2 * MIB + BS)]);
        BackupManifest delta = TestBackups.takeInParts(repo, data, "base_2", new Lsn(2L << 24), T0.plusSeconds(60), full, MIB);

        assertEquals(FileEntry.Storage.DELTA, entry(delta, RELATION).storageKind(), "a file the parent holds is a delta");
        assertNull(entry(delta, RELATION).chunks());
        assertNull(entry(delta, BLOB).chunks(), "a file the parent holds goes through the delta rules, whole");
        assertEquals(3, entry(delta, "base/1/16390").chunks().size(), "a new large file is chunked in a delta too");

        Path restored = tmp.resolve("restored");
        new DefaultRestorer(repo, 2).restore(request(restored, "base_2"));
        assertSameFiles(data, restored);
        assertArrayEquals(Files.readAllBytes(data.resolve("base/1/16390")), Files.readAllBytes(restored.resolve("base/1/16390")));
    }

    @Test
    void onlyFilesLargerThanAChunkAreCut() {
        long chunk = PartUploads.chunkSize(3 * MIB + 5);
        assertEquals(3 * MIB, chunk);
        assertEquals(PartUploads.MAX_CHUNK, PartUploads.chunkSize(1L << 40));
        SourceFile exact = new SourceFile("a", Path.of("."), chunk, 0600, T0, false);
        SourceFile over = new SourceFile("b", Path.of("."), 2 * chunk + 1, 0600, T0, false);
        SourceFile held = new SourceFile("c", Path.of("."), 5 * chunk, 0600, T0, false);
        List<PartUploads.Planned> plan = PartUploads.plan(List.of(exact, over, held), chunk, chunk, f -> !f.archivePath().equals("c"));
        // the chunks are parts of their own; small files keep filling the group they were in
        assertEquals(List.of(0L, chunk, 2 * chunk), plan.subList(0, 3).stream().map(PartUploads.Planned::offset).toList());
        assertTrue(plan.subList(0, 3).stream().allMatch(p -> p.chunkOf() == over && p.files().isEmpty()));
        assertEquals(1, plan.get(2).length());
        assertEquals(List.of(exact), plan.get(3).files());
        assertEquals(List.of(held), plan.get(4).files());
        assertEquals(5, plan.size());
    }
}
