package io.walkeeper.core.wal;

import io.walkeeper.api.WalSegmentName;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;

/**
 * The long page header at the start of every WAL segment (little-endian): magic, info flags,
 * timeline, page address, system identifier, segment size and WAL block size.
 *
 * @param magic {@code xlp_magic}
 * @param info {@code xlp_info}
 * @param timeline {@code xlp_tli}
 * @param pageAddress {@code xlp_pageaddr}
 * @param systemIdentifier {@code xlp_sysid}
 * @param segmentSize {@code xlp_seg_size}
 * @param walBlockSize {@code xlp_xlog_blcksz}
 */
public record WalSegmentHeader(int magic, int info, long timeline, long pageAddress, long systemIdentifier,
                               long segmentSize, int walBlockSize) {
    /** Size of the long header in bytes. */
    public static final int SIZE = 40;
    private static final int XLP_LONG_HEADER = 0x0002;
    /** {@code XLOG_PAGE_MAGIC} of PostgreSQL 12 to 17. */
    public static final Set<Integer> KNOWN_MAGIC = Set.of(0xD101, 0xD106, 0xD10D, 0xD110, 0xD113, 0xD116, 0xD118);

    /**
     * Parses the first bytes of a segment.
     *
     * @param first at least {@link #SIZE} bytes
     * @return the header
     */
    public static WalSegmentHeader parse(byte[] first) {
        ByteBuffer b = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN);
        return new WalSegmentHeader(Short.toUnsignedInt(b.getShort(0)), Short.toUnsignedInt(b.getShort(2)),
                Integer.toUnsignedLong(b.getInt(4)), b.getLong(8), b.getLong(24), Integer.toUnsignedLong(b.getInt(32)),
                b.getInt(36));
    }

    /**
     * Checks the header against the file's name and size.
     *
     * @param name the segment file name (24 hex digits, optionally with {@code .partial})
     * @param fileSize the file's size
     * @return {@code null} if it is consistent, else what is wrong
     */
    public String problemWith(String name, long fileSize) {
        if ((info & XLP_LONG_HEADER) == 0) {
            return "its first page has no long header (xlp_info=0x" + Integer.toHexString(info) + ")";
        }
        if (segmentSize < WalSegmentName.MIN_SEGMENT_SIZE || segmentSize > WalSegmentName.MAX_SEGMENT_SIZE
                || Long.bitCount(segmentSize) != 1) {
            return "its header gives an impossible segment size " + segmentSize;
        }
        if (fileSize != segmentSize) {
            return "it is " + fileSize + " bytes long but its header says segments are " + segmentSize + " bytes";
        }
        WalSegmentName seg = WalSegmentName.parse(name.substring(0, 24), segmentSize);
        if (pageAddress != seg.startLsn().value()) {
            return "its header's page address " + new io.walkeeper.api.Lsn(pageAddress) + " does not match its name (expected "
                    + seg.startLsn() + ")";
        }
        return null;
    }

    /** @return whether the magic number belongs to a known PostgreSQL major */
    public boolean knownMagic() {
        return KNOWN_MAGIC.contains(magic);
    }
}
