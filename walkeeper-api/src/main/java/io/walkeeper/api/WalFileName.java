package io.walkeeper.api;

import java.util.regex.Pattern;

/**
 * A file name PostgreSQL hands to {@code archive_command} or asks of {@code restore_command}:
 * a WAL segment, a {@code .partial} segment, a {@code .backup} history file, or a timeline
 * {@code .history} file. Parsing is strict (upper-case hex, exact lengths) so that nothing else
 * reaches the archive.
 *
 * @param name the file name
 * @param kind what kind of file it is
 */
public record WalFileName(String name, Kind kind) {
    private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
    private static final Pattern PARTIAL = Pattern.compile("[0-9A-F]{24}\\.partial");
    private static final Pattern BACKUP = Pattern.compile("[0-9A-F]{24}\\.[0-9A-F]{8}\\.backup");
    private static final Pattern HISTORY = Pattern.compile("[0-9A-F]{8}\\.history");

    /** The kinds of file that live in a WAL archive. */
    public enum Kind {
        /** A complete WAL segment, {@code TTTTTTTTLLLLLLLLSSSSSSSS}. */
        SEGMENT,
        /** The last, incomplete segment of a timeline that was left, {@code <segment>.partial}. */
        PARTIAL,
        /** A backup history file, {@code <segment>.<offset>.backup}. */
        BACKUP_HISTORY,
        /** A timeline history file, {@code TTTTTTTT.history}. */
        TIMELINE_HISTORY
    }

    /**
     * Parses and classifies a WAL archive file name.
     *
     * @param name the bare file name (no directory)
     * @return the classified name
     * @throws InvalidRequestException if the name is none of the four kinds
     */
    public static WalFileName parse(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidRequestException("A WAL file name is required");
        }
        Kind kind;
        if (SEGMENT.matcher(name).matches()) {
            kind = Kind.SEGMENT;
        } else if (PARTIAL.matcher(name).matches()) {
            kind = Kind.PARTIAL;
        } else if (BACKUP.matcher(name).matches()) {
            kind = Kind.BACKUP_HISTORY;
        } else if (HISTORY.matcher(name).matches()) {
            kind = Kind.TIMELINE_HISTORY;
        } else {
            throw new InvalidRequestException("'" + name + "' is not a WAL file name: expected a 24-digit segment name "
                    + "(000000010000000000000019), <segment>.partial, <segment>.<offset>.backup or TTTTTTTT.history "
                    + "(upper-case hex)");
        }
        if (name.startsWith("00000000")) {
            throw new InvalidRequestException("'" + name + "' names timeline 0, which does not exist");
        }
        return new WalFileName(name, kind);
    }

    /**
     * Returns the timeline named in the file name.
     *
     * @return the timeline
     */
    public TimelineId timeline() {
        return TimelineId.parseHex(name.substring(0, 8));
    }

    /**
     * Tells whether the file is a WAL segment (complete or partial), which carries a page header.
     *
     * @return {@code true} for {@link Kind#SEGMENT} and {@link Kind#PARTIAL}
     */
    public boolean isSegment() {
        return kind == Kind.SEGMENT || kind == Kind.PARTIAL;
    }

    @Override
    public String toString() {
        return name;
    }
}
