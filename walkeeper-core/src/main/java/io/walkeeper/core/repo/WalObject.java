package io.walkeeper.core.repo;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An object under {@code wal/}, told from its key: the one rule for what an archived name means,
 * used by retention, {@code wal-show}, {@code wal-verify} and garbage collection alike. A backup
 * history file ({@code 000000010000000000000003.00000028.backup}) names a segment but is not
 * that segment, and a {@code .partial} is not the complete segment.
 *
 * @param key the stored key, with codec and cipher extensions
 * @param kind what the object holds
 * @param fileName the WAL file name PostgreSQL knows it by (without codec and cipher extensions)
 * @param segment the 24-digit segment name the object belongs to, or {@code null} for a timeline history
 * @param timeline the timeline
 */
public record WalObject(String key, Kind kind, String fileName, String segment, long timeline) {

    /** What a WAL object holds. */
    public enum Kind {
        /** A complete segment. */
        SEGMENT,
        /** The last, incomplete segment of a timeline that a promotion ended ({@code .partial}). */
        PARTIAL_SEGMENT,
        /** A timeline history file ({@code 00000002.history}). */
        TIMELINE_HISTORY,
        /** A backup history file ({@code <segment>.<offset>.backup}). */
        BACKUP_HISTORY
    }

    /** Codec and cipher extensions, checked after the backup history pattern, whose offset would also match. */
    private static final String EXTENSIONS = "(?:\\.[A-Za-z0-9]+)*";
    private static final Pattern BACKUP_HISTORY = Pattern.compile("(([0-9A-F]{24})\\.[0-9A-F]{8}\\.backup)" + EXTENSIONS);
    private static final Pattern SEGMENT = Pattern.compile("(([0-9A-F]{24})(\\.partial)?)" + EXTENSIONS);
    private static final Pattern HISTORY = Pattern.compile("(([0-9A-F]{8})\\.history)" + EXTENSIONS);

    /**
     * Tells what a key under {@code wal/} holds.
     *
     * @param key a stored key
     * @return the object, or empty if the key is not under {@code wal/} or names nothing PostgreSQL archives
     */
    public static Optional<WalObject> of(String key) {
        if (!key.startsWith(RepositoryLayout.WAL_PREFIX)) {
            return Optional.empty();
        }
        String name = key.substring(RepositoryLayout.WAL_PREFIX.length());
        Matcher m = BACKUP_HISTORY.matcher(name);
        if (m.matches()) {
            return Optional.of(new WalObject(key, Kind.BACKUP_HISTORY, m.group(1), m.group(2), timelineOf(m.group(2))));
        }
        m = SEGMENT.matcher(name);
        if (m.matches()) {
            Kind kind = m.group(3) == null ? Kind.SEGMENT : Kind.PARTIAL_SEGMENT;
            return Optional.of(new WalObject(key, kind, m.group(1), m.group(2), timelineOf(m.group(2))));
        }
        m = HISTORY.matcher(name);
        if (m.matches()) {
            return Optional.of(new WalObject(key, Kind.TIMELINE_HISTORY, m.group(1), null, timelineOf(m.group(2))));
        }
        return Optional.empty();
    }

    /**
     * The segment's place in the WAL, whatever its timeline: its log and segment number as 16 hex
     * digits, which order as positions do.
     *
     * @return the position, or {@code null} for a timeline history
     */
    public String position() {
        return segment == null ? null : segment.substring(8);
    }

    private static long timelineOf(String hex) {
        return Long.parseLong(hex.substring(0, 8), 16);
    }
}
