package io.walkeeper.api;

/**
 * The name of one WAL segment file, {@code TTTTTTTTLLLLLLLLSSSSSSSS}: timeline, then the segment
 * number split by the number of segments per 4 GiB ({@code 2^32 / segmentSize}). Because the split
 * depends on the segment size, a name is only meaningful together with the cluster's segment size.
 *
 * <p>Immutable and thread-safe; ordered by timeline, then segment number.
 *
 * @param timeline the timeline
 * @param segmentNumber the segment number, {@code lsn / segmentSize}
 * @param segmentSize the cluster's WAL segment size in bytes (a power of two, 1 MiB to 1 GiB)
 */
public record WalSegmentName(TimelineId timeline, long segmentNumber, long segmentSize)
        implements Comparable<WalSegmentName> {

    /** The smallest legal segment size, 1 MiB. */
    public static final long MIN_SEGMENT_SIZE = 1L << 20;
    /** The largest legal segment size, 1 GiB. */
    public static final long MAX_SEGMENT_SIZE = 1L << 30;
    /** PostgreSQL's default segment size, 16 MiB. */
    public static final long DEFAULT_SEGMENT_SIZE = 16L << 20;

    /**
     * Checks the fields.
     *
     * @throws InvalidRequestException if the segment size is illegal or the number negative
     */
    public WalSegmentName {
        if (timeline == null) {
            throw new InvalidRequestException("A WAL segment name needs a timeline");
        }
        checkSegmentSize(segmentSize);
        if (segmentNumber < 0 || segmentNumber > Long.divideUnsigned(-1L, segmentSize)) {
            throw new InvalidRequestException("WAL segment number " + segmentNumber + " is out of range");
        }
    }

    static void checkSegmentSize(long segmentSize) {
        if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE || Long.bitCount(segmentSize) != 1) {
            throw new InvalidRequestException("WAL segment size " + segmentSize
                    + " is not legal: it must be a power of two from 1 MiB to 1 GiB");
        }
    }

    /**
     * Returns the number of segments in each 4 GiB "log file" ({@code 2^32 / segmentSize}).
     *
     * @param segmentSize the segment size
     * @return the segments per log id
     */
    public static long segmentsPerLogId(long segmentSize) {
        checkSegmentSize(segmentSize);
        return 0x1_0000_0000L / segmentSize;
    }

    /**
     * Returns the name of the segment that contains {@code lsn}.
     *
     * @param timeline the timeline
     * @param lsn a position in the WAL
     * @param segmentSize the segment size
     * @return the segment name
     */
    public static WalSegmentName containing(TimelineId timeline, Lsn lsn, long segmentSize) {
        return new WalSegmentName(timeline, lsn.segmentNumber(segmentSize), segmentSize);
    }

    /**
     * Parses a 24-digit segment name.
     *
     * @param name the name, e.g. {@code 000000010000000000000019}
     * @param segmentSize the cluster's segment size, needed to interpret the digits
     * @return the segment name
     * @throws InvalidRequestException if the name is malformed or impossible for this segment size
     */
    public static WalSegmentName parse(String name, long segmentSize) {
        if (name == null || !name.matches("[0-9A-F]{24}")) {
            throw new InvalidRequestException("'" + name + "' is not a WAL segment name: expected 24 upper-case hex digits");
        }
        TimelineId tli = TimelineId.parseHex(name.substring(0, 8));
        long log = Long.parseLong(name.substring(8, 16), 16);
        long seg = Long.parseLong(name.substring(16, 24), 16);
        long perId = segmentsPerLogId(segmentSize);
        if (seg >= perId) {
            throw new InvalidRequestException("'" + name + "' is not a valid WAL segment name for segment size "
                    + segmentSize + ": the last eight digits must be below " + String.format("%X", perId));
        }
        return new WalSegmentName(tli, log * perId + seg, segmentSize);
    }

    /**
     * Returns the first LSN inside this segment.
     *
     * @return {@code segmentNumber * segmentSize}
     */
    public Lsn startLsn() {
        return new Lsn(segmentNumber * segmentSize);
    }

    /**
     * Returns the segment that follows this one on the same timeline.
     *
     * @return the next segment
     */
    public WalSegmentName next() {
        return new WalSegmentName(timeline, segmentNumber + 1, segmentSize);
    }

    /**
     * Returns the same segment number on another timeline.
     *
     * @param other the timeline
     * @return the segment name on {@code other}
     */
    public WalSegmentName onTimeline(TimelineId other) {
        return new WalSegmentName(other, segmentNumber, segmentSize);
    }

    @Override
    public int compareTo(WalSegmentName o) {
        int c = timeline.compareTo(o.timeline);
        return c != 0 ? c : Long.compare(segmentNumber, o.segmentNumber);
    }

    /** Returns the 24-digit file name. */
    @Override
    public String toString() {
        long perId = segmentsPerLogId(segmentSize);
        return String.format("%s%08X%08X", timeline.toHex(), segmentNumber / perId, segmentNumber % perId);
    }
}
