package io.walkeeper.core.page;

/**
 * Reads and checks PostgreSQL page headers (24 bytes, little-endian): {@code pd_lsn},
 * {@code pd_checksum}, {@code pd_flags}, {@code pd_lower}, {@code pd_upper}, {@code pd_special}.
 * The checks are those of PostgreSQL's {@code PageIsVerified}.
 */
public final class Pages {
    /** Valid bits of {@code pd_flags}. */
    private static final int VALID_FLAGS = 0x7;
    private static final int HEADER_SIZE = 24;

    /** What a page check found. */
    public enum Verdict {
        /** A new page: every byte zero. */
        ZERO,
        /** A well-formed page whose checksum matched (or the cluster has no checksums). */
        VALID,
        /** The header is malformed: not a page PostgreSQL wrote. */
        BAD_HEADER,
        /** The header is well-formed but the stored checksum does not match the contents. */
        BAD_CHECKSUM
    }

    private Pages() {
    }

    /**
     * Returns a page's LSN.
     *
     * @param page the buffer
     * @param offset where the page starts
     * @return {@code pd_lsn} as an unsigned 64-bit value
     */
    public static long lsn(byte[] page, int offset) {
        return (Integer.toUnsignedLong(u32(page, offset)) << 32) | Integer.toUnsignedLong(u32(page, offset + 4));
    }

    /**
     * Returns the stored checksum.
     *
     * @param page the buffer
     * @param offset where the page starts
     * @return {@code pd_checksum}
     */
    public static int storedChecksum(byte[] page, int offset) {
        return u16(page, offset + 8);
    }

    /**
     * Checks a page as PostgreSQL does when it reads one.
     *
     * @param page the buffer
     * @param offset where the page starts
     * @param blockSize the page size
     * @param checksums whether the cluster has data checksums
     * @param blockNumber the absolute block number in its fork, for the checksum
     * @return the verdict
     */
    public static Verdict verify(byte[] page, int offset, int blockSize, boolean checksums, long blockNumber) {
        int upper = u16(page, offset + 14);
        if (upper == 0) {
            return allZero(page, offset, blockSize) ? Verdict.ZERO : Verdict.BAD_HEADER;
        }
        int flags = u16(page, offset + 10);
        int lower = u16(page, offset + 12);
        int special = u16(page, offset + 16);
        int sizeVersion = u16(page, offset + 18);
        boolean headerOk = (flags & ~VALID_FLAGS) == 0 && lower >= HEADER_SIZE && lower <= upper && upper <= special
                && special <= blockSize && (special & 7) == 0 && (sizeVersion & 0xFF00) == (blockSize & 0xFF00);
        if (!headerOk) {
            return Verdict.BAD_HEADER;
        }
        if (checksums && PageChecksum.compute(page, offset, blockSize, blockNumber) != storedChecksum(page, offset)) {
            return Verdict.BAD_CHECKSUM;
        }
        return Verdict.VALID;
    }

    private static boolean allZero(byte[] page, int offset, int blockSize) {
        for (int i = offset; i < offset + blockSize; i++) {
            if (page[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int u32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }
}
