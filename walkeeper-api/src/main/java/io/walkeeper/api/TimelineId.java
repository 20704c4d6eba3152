package io.walkeeper.api;

/**
 * A PostgreSQL timeline: an unsigned 32-bit number, 1 for a cluster that was never recovered
 * to a point in time or promoted. Written as eight upper-case hexadecimal digits in WAL names.
 *
 * @param value the timeline as an unsigned 32-bit number (never 0)
 */
public record TimelineId(int value) implements Comparable<TimelineId> {

    /** Timeline 1, where every cluster starts. */
    public static final TimelineId FIRST = new TimelineId(1);

    /**
     * Checks the value.
     *
     * @throws InvalidRequestException if the value is 0
     */
    public TimelineId {
        if (value == 0) {
            throw new InvalidRequestException("Timeline 0 is not valid: timelines start at 1");
        }
    }

    /**
     * Creates a timeline from a number.
     *
     * @param value a number from 1 to 2^32-1
     * @return the timeline
     */
    public static TimelineId of(long value) {
        if (value <= 0 || value > 0xFFFFFFFFL) {
            throw new InvalidRequestException("Timeline " + value + " is out of range 1.." + 0xFFFFFFFFL);
        }
        return new TimelineId((int) value);
    }

    /**
     * Parses eight hexadecimal digits, as in WAL file names.
     *
     * @param hex the digits
     * @return the timeline
     */
    public static TimelineId parseHex(String hex) {
        if (hex == null || !hex.matches("[0-9A-F]{8}")) {
            throw new InvalidRequestException("Cannot parse timeline '" + hex + "': expected 8 upper-case hex digits");
        }
        return of(Long.parseLong(hex, 16));
    }

    /**
     * Returns the timeline as an unsigned number.
     *
     * @return 1 to 2^32-1
     */
    public long asLong() {
        return Integer.toUnsignedLong(value);
    }

    /**
     * Returns the timeline as eight upper-case hexadecimal digits.
     *
     * @return for example {@code 00000002}
     */
    public String toHex() {
        return String.format("%08X", asLong());
    }

    @Override
    public int compareTo(TimelineId other) {
        return Integer.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toString(asLong());
    }
}
