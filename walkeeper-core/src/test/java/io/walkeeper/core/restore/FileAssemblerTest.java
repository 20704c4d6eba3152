package io.walkeeper.core.restore;

import io.walkeeper.core.repo.DeltaFile;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chain-restore writer: newest backup first, each block written exactly once (a counting
 * writer fails the test on a second write of any block), files cut to the newest length.
 */
class FileAssemblerTest {
    private static final int BS = 8192;

    /** Records every write; fails on a block written twice or a write that is not block-aligned. */
    static final class CountingWriter implements BlockWriter {
        final Map<String, byte[]> files = new HashMap<>();
        final Map<String, Map<Long, Integer>> writes = new HashMap<>();
        long blockWrites;

        @Override
        public Target open(String path) {
            files.putIfAbsent(path, new byte[0]);
            return new Target() {
                @Override
                public void write(long position, byte[] data, int offset, int length) {
                    assertEquals(0, position % BS, "write at " + position + " is not block-aligned");
                    for (long b = position / BS; b * BS < position + length; b++) {
                        int n = writes.computeIfAbsent(path, k -> new HashMap<>()).merge(b, 1, Integer::sum);
                        assertEquals(1, n, "block " + b + " of " + path + " written twice");
                        blockWrites++;
                    }
                    byte[] f = files.get(path);
                    if (f.length < position + length) {
                        f = Arrays.copyOf(f, (int) (position + length));
                    }
                    System.arraycopy(data, offset, f, (int) position, length);
                    files.put(path, f);
                }

                @Override
                public void close() {
                }
            };
        }
    }

    private static byte[] pages(int n, int seed) {
        byte[] b = new byte[n * BS];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] delta(long fileSize, int[] blocks, byte[] content) throws IOException {
        DeltaFile d = new DeltaFile(BS, fileSize, blocks);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        d.writeHeader(out);
        for (int b : blocks) {
            out.write(content, b * BS, BS);
        }
        return out.toByteArray();
    }

    @Test
    void newestFirstWritesEveryBlockOnceAndTakesNewestContent() throws IOException {
        byte[] v0 = pages(10, 1);                // full: 10 blocks
        byte[] v1 = Arrays.copyOf(v0, 12 * BS);  // delta 1: blocks 2, 10, 11 changed (grew to 12)
        byte[] p1 = pages(12, 2);
        for (int b : new int[] {2, 10, 11}) {
            System.arraycopy(p1, b * BS, v1, b * BS, BS);
        }
        byte[] v2 = Arrays.copyOf(v1, 7 * BS);   // delta 2: shrank to 7, block 2 and 5 changed again
        byte[] p2 = pages(12, 3);
        for (int b : new int[] {2, 5}) {
            System.arraycopy(p2, b * BS, v2, b * BS, BS);
        }
        CountingWriter w = new CountingWriter();
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("base/5/16384", (long) v2.length);
        sizes.put("PG_VERSION", 3L);
        FileAssembler a = new FileAssembler(sizes, BS, w);

        byte[] d2 = delta(v2.length, new int[] {2, 5}, v2);
        a.applyDelta("base/5/16384", new ByteArrayInputStream(d2), d2.length, v2.length);
        a.applyWhole("PG_VERSION", new ByteArrayInputStream("15\n".getBytes()), 3);
        assertFalse(a.needed("PG_VERSION"), "a whole copy finishes a file");
        assertTrue(a.needed("base/5/16384"));

        byte[] d1 = delta(v1.length, new int[] {2, 10, 11}, v1);
        a.applyDelta("base/5/16384", new ByteArrayInputStream(d1), d1.length, v1.length);
        a.applyWhole("base/5/16384", new ByteArrayInputStream(v0), v0.length);
        assertFalse(a.needed("base/5/16384"));
        assertEquals(List.of(), a.finish());

        assertArrayEquals(v2, w.files.get("base/5/16384"));
        assertArrayEquals("15\n".getBytes(), w.files.get("PG_VERSION"));
        assertEquals(7 + 1, w.blockWrites, "7 blocks of the relation and 1 of PG_VERSION, each once");
    }

    @Test
    void aMissingBlockIsReportedNotInvented() throws IOException {
        CountingWriter w = new CountingWriter();
        FileAssembler a = new FileAssembler(Map.of("base/5/1", 3L * BS), BS, w);
        byte[] v = pages(3, 4);
        byte[] d = delta(v.length, new int[] {0, 2}, v);
        a.applyDelta("base/5/1", new ByteArrayInputStream(d), d.length, v.length);
        List<String> missing = a.finish();
        assertEquals(List.of("base/5/1 (block 1 of 3)"), missing);
    }

    @Test
    void emptyFilesAreCreatedAndTruncatedEntriesRefused() throws IOException {
        CountingWriter w = new CountingWriter();
        FileAssembler a = new FileAssembler(Map.of("empty", 0L, "base/5/2", 2L * BS), BS, w);
        assertFalse(a.needed("empty"));
        byte[] v = pages(2, 5);
        assertThrows(IOException.class, () -> a.applyWhole("base/5/2", new ByteArrayInputStream(v, 0, BS + 10), v.length));
        byte[] d = delta(v.length, new int[] {0, 1}, v);
        IOException wrongLength = assertThrows(IOException.class,
                () -> a.applyDelta("base/5/2", new ByteArrayInputStream(d), d.length, 3L * BS));
        assertTrue(wrongLength.getMessage().contains("records length"), wrongLength.getMessage());
        a.finish();
        assertTrue(w.files.containsKey("empty"));
    }

    @Test
    void partialTailBlocksOfWholeCopiesAreWrittenOnce() throws IOException {
        CountingWriter w = new CountingWriter();
        long size = 3L * BS + 100;
        FileAssembler a = new FileAssembler(Map.of("pg_xact/0000", size), BS, w);
        byte[] v = new byte[(int) size];
        new Random(6).nextBytes(v);
        a.applyWhole("pg_xact/0000", new ByteArrayInputStream(v), size);
        assertEquals(List.of(), a.finish());
        assertArrayEquals(v, w.files.get("pg_xact/0000"));
        assertEquals(4, w.blockWrites);
    }

    @Test
    void onlyFilesBegunAndNotFinishedKeepARecordOfTheirBlocks() throws IOException {
        CountingWriter w = new CountingWriter();
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (int i = 0; i < 1000; i++) {
            sizes.put("base/5/" + i, 2L * BS);
        }
        FileAssembler a = new FileAssembler(sizes, BS, w);
        byte[] v = pages(2, 7);
        byte[] d = delta(v.length, new int[] {1}, v);
        a.applyDelta("base/5/0", new ByteArrayInputStream(d), d.length, v.length);
        assertEquals(1, a.inProgress(), "a file a delta began");
        for (int i = 1; i < 1000; i++) {
            a.applyWhole("base/5/" + i, new ByteArrayInputStream(v), v.length);
            assertEquals(1, a.inProgress(), "a whole copy leaves no record behind (file " + i + ")");
        }
        a.applyRange("base/5/0", new ByteArrayInputStream(v, 0, BS), 0, BS);
        assertEquals(0, a.inProgress(), "the older copy finished it");
        assertFalse(a.needed("base/5/0"));
        a.applyWhole("base/5/0", new ByteArrayInputStream(v), v.length);
        assertEquals(List.of(), a.finish());
        assertEquals(2000, w.blockWrites, "every block once, the late copy of a finished file none");
        assertArrayEquals(v, w.files.get("base/5/0"));
    }

    @Test
    void aCopyOfAFileTheRestoreDoesNotProduceIsRefusedByName() {
        FileAssembler a = new FileAssembler(Map.of("PG_VERSION", 3L), BS, new CountingWriter());
        assertFalse(a.needed("base/5/9"));
        IOException e = assertThrows(IOException.class,
                () -> a.applyWhole("base/5/9", new ByteArrayInputStream(new byte[3]), 3));
        assertTrue(e.getMessage().contains("'base/5/9'"), e.getMessage());
    }
}
