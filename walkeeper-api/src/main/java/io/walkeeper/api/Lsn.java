package io.walkeeper.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL log sequence number: an unsigned 64-bit byte position in the write-ahead log,
 * written {@code %X/%X} (high and low 32 bits in upper-case hexadecimal). Parsing accepts the
 * low half with or without zero padding, as PostgreSQL 18 pads it to eight digits.
 *
 * <p>Immutable and thread-safe. Ordering is unsigned.
 *
 * @param value the position as an unsigned 64-bit number
 */
public record Lsn(long value) implements Comparable<Lsn> {
    private static final Pattern TEXT = Pattern.compile("([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})");

    /** The invalid LSN {@code 0/0}. */
    public static final Lsn ZERO = new Lsn(0);

    /**
     * Parses {@code X/X} text such as {@code 16/B374D848}.
     *
     * @param text the LSN as PostgreSQL prints it
     * @return the LSN
     * @throws InvalidRequestException if the text is not an LSN
     */
    public static Lsn parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new InvalidRequestException("Cannot parse LSN '" + text
                    + "': expected two hexadecimal numbers of at most 8 digits separated by '/', e.g. 16/B374D848");
        }
        long hi = Long.parseLong(m.group(1), 16);
        long lo = Long.parseLong(m.group(2), 16);
        return new Lsn((hi << 32) | lo);
    }

    /**
     * Returns the LSN {@code bytes} further on.
     *
     * @param bytes a non-negative distance
     * @return the later LSN
     */
    public Lsn plus(long bytes) {
        return new Lsn(value + bytes);
    }

    /**
     * Returns the number of the WAL segment that contains this LSN ({@code lsn / segSize}).
     *
     * @param segmentSize the cluster's WAL segment size in bytes
     * @return the segment number, counted from 0
     */
    public long segmentNumber(long segmentSize) {
        WalSegmentName.checkSegmentSize(segmentSize);
        return Long.divideUnsigned(value, segmentSize);
    }

    /**
     * Returns the number of the segment that holds the byte just before this LSN, as
     * PostgreSQL's {@code XLByteToPrevSeg} does: a stop LSN exactly on a segment boundary
     * belongs to the previous segment.
     *
     * @param segmentSize the cluster's WAL segment size in bytes
     * @return the segment number
     */
    public long previousSegmentNumber(long segmentSize) {
        WalSegmentName.checkSegmentSize(segmentSize);
        return Long.divideUnsigned(value - 1, segmentSize);
    }

    /**
     * Returns the offset of this LSN inside its segment.
     *
     * @param segmentSize the cluster's WAL segment size in bytes
     * @return {@code lsn & (segmentSize - 1)}
     */
    public long segmentOffset(long segmentSize) {
        WalSegmentName.checkSegmentSize(segmentSize);
        return value & (segmentSize - 1);
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    /**
     * Tells whether this LSN is at or after {@code other}.
     *
     * @param other the LSN to compare with
     * @return {@code true} if {@code this >= other}
     */
    public boolean isAtOrAfter(Lsn other) {
        return compareTo(other) >= 0;
    }

    /** Returns the LSN as PostgreSQL prints it, {@code %X/%X}. */
    @Override
    public String toString() {
        return String.format("%X/%X", value >>> 32, value & 0xFFFFFFFFL);
    }
}
