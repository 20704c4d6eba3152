package io.walkeeper.core.page;

/**
 * PostgreSQL's data page checksum: FNV-1a based, computed over the page as 32 parallel sums of
 * 32-bit words with the stored checksum taken as zero, mixed with the block number and reduced to
 * {@code (x mod 65535) + 1}.
 */
public final class PageChecksum {
    private static final int N_SUMS = 32;
    private static final int FNV_PRIME = 16777619;
    private static final int[] BASE_OFFSETS = {
        0x5B1F36E9, 0xB8525960, 0x02AB50AA, 0x1DE66D2A, 0x79FF467A, 0x9BB9F8A3, 0x217E7CD2, 0x83E13D2C,
        0xF8D4474F, 0xE39EB970, 0x42C6AE16, 0x993216FA, 0x7B093B5D, 0x98DAFF3C, 0xF718902A, 0x0B1C9CDB,
        0xE58F764B, 0x187636BC, 0x5D7B3BB1, 0xE73DE7DE, 0x92BEC979, 0xCCA6C0B2, 0x304A0979, 0x85AA43D4,
        0x783125BB, 0x6CA8EAA2, 0xE407EAC6, 0x4B5CFC3E, 0x9FBF8C76, 0x15CA20BE, 0xF2CA9FD3, 0x959BD756,
    };

    private PageChecksum() {
    }

    /**
     * Computes the checksum PostgreSQL stores in {@code pd_checksum}.
     *
     * @param page the buffer
     * @param offset where the page starts
     * @param blockSize the page size (a multiple of 128)
     * @param blockNumber the absolute block number in the relation fork ({@code segno * blocksPerSegment + block})
     * @return the checksum, 1..65535
     */
    public static int compute(byte[] page, int offset, int blockSize, long blockNumber) {
        int[] sums = new int[N_SUMS];
        System.arraycopy(BASE_OFFSETS, 0, sums, 0, N_SUMS);
        int words = blockSize / 4;
        for (int i = 0; i < words; i += N_SUMS) {
            for (int j = 0; j < N_SUMS; j++) {
                int at = offset + (i + j) * 4;
                int v = at == offset + 8 ? (page[at + 2] & 0xFF) << 16 | (page[at + 3] & 0xFF) << 24 // pd_checksum taken as 0
                        : (page[at] & 0xFF) | (page[at + 1] & 0xFF) << 8 | (page[at + 2] & 0xFF) << 16 | (page[at + 3] & 0xFF) << 24;
                sums[j] = mix(sums[j], v);
            }
        }
        for (int round = 0; round < 2; round++) {
            for (int j = 0; j < N_SUMS; j++) {
                sums[j] = mix(sums[j], 0);
            }
        }
        int result = 0;
        for (int s : sums) {
            result ^= s;
        }
        result ^= (int) blockNumber;
        return (int) (Integer.toUnsignedLong(result) % 65535) + 1;
    }

    private static int mix(int sum, int value) {
        int t = sum ^ value;
        return t * FNV_PRIME ^ (t >>> 17);
    }
}
