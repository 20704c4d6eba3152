package io.walkeeper.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Generates 8 KiB pages laid out like PostgreSQL heap pages of {@code pgbench_accounts}: a page
 * header, line pointers, free space of zeros and tuples with headers, increasing keys, small
 * random balances and a blank-padded filler. One page in {@value #RANDOM_PAGE_EVERY} is random
 * bytes instead, as compressed TOAST data is, so the content is neither trivial nor
 * incompressible. The pages are a function of the seed alone, so a reader can check them without
 * having kept them. Not thread-safe.
 */
final class SyntheticHeapPages {
    static final int PAGE_SIZE = 8192;
    private static final int RANDOM_PAGE_EVERY = 4;
    private static final int PAGE_HEADER = 24;
    private static final int TUPLE_HEADER = 24;
    /** aid, bid, abalance (int4 each) and a filler char(84) with its one-byte length header. */
    private static final int TUPLE_DATA = 12 + 85;
    private static final int TUPLE_SPACE = (TUPLE_HEADER + TUPLE_DATA + 7) & ~7;
    private static final byte[] FILLER = new byte[84];

    static {
        Arrays.fill(FILLER, (byte) ' ');
    }

    private final SplittableRandom random;
    private final byte[] noise = new byte[PAGE_SIZE];
    private long page;
    private long key = 1;
    private long lsn = 0x1_6000_0028L;
    private int xid = 740;

    SyntheticHeapPages(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Writes the next page into {@code buffer} at {@code offset}. */
    void next(byte[] buffer, int offset) {
        page++;
        if (page % RANDOM_PAGE_EVERY == 0) {
            random.nextBytes(noise);
            System.arraycopy(noise, 0, buffer, offset, PAGE_SIZE);
            return;
        }
        Arrays.fill(buffer, offset, offset + PAGE_SIZE, (byte) 0);
        int tuples = 40 + random.nextInt(22);
        int lower = PAGE_HEADER + 4 * tuples;
        int upper = PAGE_SIZE - tuples * TUPLE_SPACE;
        lsn += 200 + random.nextInt(8000);
        putInt(buffer, offset, (int) (lsn >>> 32));
        putInt(buffer, offset + 4, (int) lsn);
        putShort(buffer, offset + 8, random.nextInt(1 << 16)); // checksum
        putShort(buffer, offset + 10, random.nextInt(8) == 0 ? 4 : 0); // flags: all visible
        putShort(buffer, offset + 12, lower);
        putShort(buffer, offset + 14, upper);
        putShort(buffer, offset + 16, PAGE_SIZE);
        putShort(buffer, offset + 18, PAGE_SIZE | 4);
        for (int t = 0; t < tuples; t++) {
            int at = PAGE_SIZE - (t + 1) * TUPLE_SPACE;
            putInt(buffer, offset + PAGE_HEADER + 4 * t, at | 1 << 15 | (TUPLE_HEADER + TUPLE_DATA) << 17);
            writeTuple(buffer, offset + at, t + 1);
        }
    }

    /** Writes one tuple of {@link #TUPLE_SPACE} bytes at {@code at}; {@code item} is its line pointer. */
    void writeTuple(byte[] buffer, int at, int item) {
        if (random.nextInt(16) == 0) {
            xid += 1 + random.nextInt(50);
        }
        putInt(buffer, at, xid); // xmin
        putInt(buffer, at + 4, random.nextInt(32) == 0 ? xid + 1 : 0); // xmax
        putInt(buffer, at + 12, (int) (page & 0xFFFF_FFFFL)); // ctid block
        putShort(buffer, at + 16, item);
        putShort(buffer, at + 18, 4); // natts
        putShort(buffer, at + 20, 0x0902); // infomask: xmin committed, xmax invalid
        buffer[at + 22] = TUPLE_HEADER;
        putInt(buffer, at + 24, (int) key); // aid
        putInt(buffer, at + 28, (int) (key / 100_000 + 1)); // bid
        putInt(buffer, at + 32, random.nextInt(4) == 0 ? random.nextInt(-5000, 5000) : 0); // abalance
        buffer[at + 36] = (byte) (85 << 1 | 1); // short varlena header
        System.arraycopy(FILLER, 0, buffer, at + 37, FILLER.length);
        key++;
    }

    /** Returns {@code size} bytes of pages (the last one cut short if need be). */
    static byte[] generate(long seed, int size) {
        SyntheticHeapPages pages = new SyntheticHeapPages(seed);
        byte[] content = new byte[size];
        byte[] page = new byte[PAGE_SIZE];
        for (int off = 0; off < size; off += PAGE_SIZE) {
            pages.next(page, 0);
            System.arraycopy(page, 0, content, off, Math.min(PAGE_SIZE, size - off));
        }
        return content;
    }

    /**
     * Writes {@code size} bytes of pages from {@code seed} to {@code out} in 64 KiB writes, never
     * holding more than that, and feeds them to {@code digest}.
     */
    static void write(OutputStream out, long seed, long size, MessageDigest digest) throws IOException {
        SyntheticHeapPages pages = new SyntheticHeapPages(seed);
        byte[] chunk = new byte[8 * PAGE_SIZE];
        for (long left = size; left > 0; ) {
            for (int off = 0; off < chunk.length; off += PAGE_SIZE) {
                pages.next(chunk, off);
            }
            int n = (int) Math.min(chunk.length, left);
            digest.update(chunk, 0, n);
            out.write(chunk, 0, n);
            left -= n;
        }
    }

    static void putShort(byte[] b, int at, int value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >>> 8);
    }

    static void putInt(byte[] b, int at, int value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >>> 8);
        b[at + 2] = (byte) (value >>> 16);
        b[at + 3] = (byte) (value >>> 24);
    }

    static void putLong(byte[] b, int at, long value) {
        putInt(b, at, (int) value);
        putInt(b, at + 4, (int) (value >>> 32));
    }
}
