package io.walkeeper.testkit;

import static io.walkeeper.testkit.SyntheticHeapPages.PAGE_SIZE;
import static io.walkeeper.testkit.SyntheticHeapPages.putInt;
import static io.walkeeper.testkit.SyntheticHeapPages.putLong;
import static io.walkeeper.testkit.SyntheticHeapPages.putShort;

import java.util.SplittableRandom;

/**
 * Generates a 16 MiB segment laid out like PostgreSQL WAL written by pgbench: 8 KiB pages with
 * page headers (a long one first), and 8-byte aligned records that run across page boundaries,
 * each with a record header holding increasing transaction ids and back-links and a random CRC,
 * a block reference and an updated tuple; one record in {@value #FULL_PAGE_IMAGE_EVERY} carries a
 * full-page image. The records stop somewhere in the last quarter and the rest is zeros, as in a
 * segment switched early. A function of the seed alone.
 */
final class SyntheticWalSegment {
    static final int SEGMENT_SIZE = 16 << 20;
    private static final int FULL_PAGE_IMAGE_EVERY = 40;
    private static final int SHORT_PAGE_HEADER = 24;
    private static final int LONG_PAGE_HEADER = 40;
    private static final int RECORD_HEADER = 24;
    private static final int BLOCK_REFERENCE = 20;
    private static final int TUPLE = 128;

    private SyntheticWalSegment() {
    }

    static byte[] generate(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SyntheticHeapPages heap = new SyntheticHeapPages(seed ^ 0x5DEECE66DL);
        byte[] segment = new byte[SEGMENT_SIZE];
        long segmentStart = 0x3_0000_0000L + ((long) random.nextInt(256) << 24);
        int end = SEGMENT_SIZE - random.nextInt(SEGMENT_SIZE / 4);
        for (int page = 0; page * PAGE_SIZE < end; page++) {
            writePageHeader(segment, page, segmentStart);
        }

        byte[] record = new byte[RECORD_HEADER + BLOCK_REFERENCE + 8 + PAGE_SIZE + TUPLE];
        byte[] image = new byte[PAGE_SIZE];
        int position = LONG_PAGE_HEADER;
        long previous = segmentStart - 152;
        int xid = 1000 + random.nextInt(100_000);
        for (int n = 0; ; n++) {
            boolean fullPage = n % FULL_PAGE_IMAGE_EVERY == FULL_PAGE_IMAGE_EVERY - 1;
            int length = RECORD_HEADER + BLOCK_REFERENCE;
            if (fullPage) {
                heap.next(image, 0);
                int hole = 256 + random.nextInt(2048);
                System.arraycopy(image, 0, record, length, 512);
                System.arraycopy(image, 512 + hole, record, length + 512, PAGE_SIZE - 512 - hole);
                length += PAGE_SIZE - hole;
            }
            heap.writeTuple(record, length, 1 + random.nextInt(60));
            length += TUPLE;
            record[length++] = (byte) 0xFF; // main data: xl_heap_update
            record[length++] = 14;
            putLong(record, length, random.nextLong());
            length += 8;

            xid += random.nextInt(3);
            putInt(record, 0, length);
            putInt(record, 4, xid);
            putLong(record, 8, previous);
            record[16] = (byte) 0x40; // XLOG_HEAP_HOT_UPDATE
            record[17] = 10; // RM_HEAP_ID
            putInt(record, 20, random.nextInt()); // CRC
            record[RECORD_HEADER] = 0;
            record[RECORD_HEADER + 1] = (byte) (fullPage ? 0x10 : 0x20);
            putShort(record, RECORD_HEADER + 2, TUPLE);
            putInt(record, RECORD_HEADER + 4, 1663); // tablespace
            putInt(record, RECORD_HEADER + 8, 5);    // database
            putInt(record, RECORD_HEADER + 12, 16_397 + random.nextInt(4)); // relation
            putInt(record, RECORD_HEADER + 16, random.nextInt(16_394)); // block

            previous = segmentStart + position;
            position = copyAcrossPages(record, length, segment, position, end);
            if (position < 0) {
                return segment;
            }
            position = (position + 7) & ~7;
        }
    }

    private static void writePageHeader(byte[] segment, int page, long segmentStart) {
        int at = page * PAGE_SIZE;
        putShort(segment, at, 0xD110); // magic
        putShort(segment, at + 2, page == 0 ? 2 : 0); // XLP_LONG_HEADER on the first page
        putInt(segment, at + 4, 1); // timeline
        putLong(segment, at + 8, segmentStart + at);
        if (page == 0) {
            putLong(segment, at + 24, 7_312_345_678_901_234_567L); // system identifier
            putInt(segment, at + 32, SEGMENT_SIZE);
            putInt(segment, at + 36, PAGE_SIZE);
        }
    }

    /**
     * Copies a record to {@code position}, skipping page headers and noting in each continuation
     * page how much of the record remains; returns the position after it, or -1 if it would pass
     * {@code end}.
     */
    private static int copyAcrossPages(byte[] record, int length, byte[] segment, int position, int end) {
        int copied = 0;
        while (copied < length) {
            if (position >= end) {
                return -1;
            }
            if (position % PAGE_SIZE == 0) {
                if (copied > 0) {
                    putInt(segment, position + 16, length - copied); // what remains of the record
                    putShort(segment, position + 2, 1); // XLP_FIRST_IS_CONTRECORD
                }
                position += SHORT_PAGE_HEADER;
            }
            int n = Math.min(length - copied, PAGE_SIZE - position % PAGE_SIZE);
            if (position + n > end) {
                return -1;
            }
            System.arraycopy(record, copied, segment, position, n);
            copied += n;
            position += n;
        }
        return position;
    }
}
