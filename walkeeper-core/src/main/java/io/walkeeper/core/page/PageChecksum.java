package io.walkeeper.core.page;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * PostgreSQL's data page checksum: FNV-1a based, computed over the page as 32 parallel sums of
 * 32-bit words with the stored checksum taken as zero, mixed with the block number and reduced to
 * {@code (x mod 65535) + 1}.
 */
public final class PageChecksum {
    private static final int N_SUMS = 32;
    private static final int FNV_PRIME = 16777619;
    /** The page's 32-bit words, little-endian as on x86-64 and ARM64 (PostgreSQL sums them in the machine's byte order). */
    private static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** The word holding {@code pd_checksum} (bytes 8 and 9 of the page) and {@code pd_flags}. */
    private static final int CHECKSUM_WORD = 2;
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
        int[] sums = BASE_OFFSETS.clone();
        for (int j = 0; j < N_SUMS; j++) {
            int v = (int) WORD.get(page, offset + j * 4);
            sums[j] = mix(sums[j], j == CHECKSUM_WORD ? v & 0xFFFF0000 : v); // pd_checksum taken as 0
        }
        int end = offset + blockSize;
        for (int row = offset + N_SUMS * 4; row < end; row += N_SUMS * 4) {
            for (int j = 0; j < N_SUMS; j++) {
                sums[j] = mix(sums[j], (int) WORD.get(page, row + j * 4));
            }
        }
        int result = 0;
        for (int j = 0; j < N_SUMS; j++) {
            result ^= mix(mix(sums[j], 0), 0);
        }
        result ^= (int) blockNumber;
        return (int) (Integer.toUnsignedLong(result) % 65535) + 1;
    }

    private static int mix(int sum, int value) {
        int t = sum ^ value;
        return t * FNV_PRIME ^ (t >>> 17);
    }
}
