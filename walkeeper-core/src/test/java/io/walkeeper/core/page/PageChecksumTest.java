package io.walkeeper.core.page;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The word-at-a-time checksum against a byte-by-byte transliteration of PostgreSQL's
 * {@code pg_checksum_page} (checksum_impl.h), on random pages, block numbers and offsets.
 */
class PageChecksumTest {
    private static final int[] BASE = {
        0x5B1F36E9, 0xB8525960, 0x02AB50AA, 0x1DE66D2A, 0x79FF467A, 0x9BB9F8A3, 0x217E7CD2, 0x83E13D2C,
        0xF8D4474F, 0xE39EB970, 0x42C6AE16, 0x993216FA, 0x7B093B5D, 0x98DAFF3C, 0xF718902A, 0x0B1C9CDB,
        0xE58F764B, 0x187636BC, 0x5D7B3BB1, 0xE73DE7DE, 0x92BEC979, 0xCCA6C0B2, 0x304A0979, 0x85AA43D4,
        0x783125BB, 0x6CA8EAA2, 0xE407EAC6, 0x4B5CFC3E, 0x9FBF8C76, 0x15CA20BE, 0xF2CA9FD3, 0x959BD756,
    };

    /** pg_checksum_block over uint32 words in little-endian order, pd_checksum read as zero, then pg_checksum_page. */
    private static int reference(byte[] page, int offset, int blockSize, long blockNumber) {
        int[] sums = BASE.clone();
        for (int i = 0; i < blockSize / 4; i += 32) {
            for (int j = 0; j < 32; j++) {
                int at = offset + (i + j) * 4;
                int lo = at == offset + 8 ? 0 : (page[at] & 0xFF) | (page[at + 1] & 0xFF) << 8;
                int v = lo | (page[at + 2] & 0xFF) << 16 | (page[at + 3] & 0xFF) << 24;
                int t = sums[j] ^ v;
                sums[j] = t * 16777619 ^ (t >>> 17);
            }
        }
        int result = 0;
        for (int j = 0; j < 32; j++) {
            int s = sums[j];
            for (int round = 0; round < 2; round++) {
                s = s * 16777619 ^ (s >>> 17);
            }
            result ^= s;
        }
        result ^= (int) blockNumber;
        return (int) (Integer.toUnsignedLong(result) % 65535) + 1;
    }

    @Test
    void agreesWithPostgresqlsAlgorithmOnRandomPages() {
        Random random = new Random(20261207);
        for (int blockSize : new int[] {8192, 4096, 32768}) {
            byte[] buf = new byte[blockSize * 3 + 5];
            for (int n = 0; n < 300; n++) {
                random.nextBytes(buf);
                int offset = random.nextInt(blockSize * 2 + 5);
                long block = n % 3 == 0 ? random.nextInt(100) : random.nextLong() & 0xFFFFFFFFL;
                assertEquals(reference(buf, offset, blockSize, block), PageChecksum.compute(buf, offset, blockSize, block),
                        "block size " + blockSize + ", offset " + offset + ", block " + block);
            }
        }
    }

    @Test
    void theStoredChecksumDoesNotEnterTheSum() {
        byte[] page = new byte[8192];
        new Random(3).nextBytes(page);
        int sum = PageChecksum.compute(page, 0, 8192, 7);
        page[8] ^= 0x55;
        page[9] ^= 0x22;
        assertEquals(sum, PageChecksum.compute(page, 0, 8192, 7));
        page[10] ^= 1;
        assertEquals(reference(page, 0, 8192, 7), PageChecksum.compute(page, 0, 8192, 7));
    }
}
