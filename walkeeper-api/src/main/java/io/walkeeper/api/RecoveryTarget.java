package io.walkeeper.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where point-in-time recovery stops, and what happens there: one of PostgreSQL's
 * {@code recovery_target*} settings with {@code recovery_target_inclusive},
 * {@code recovery_target_action} and {@code recovery_target_timeline}. Immutable; the
 * {@code with…} methods return modified copies.
 */
public final class RecoveryTarget {
    private static final Pattern PG_TIME = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})[ T](\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?)\\s*(Z|UTC|[+-]\\d{2}(?::?\\d{2})?)?");
    private static final DateTimeFormatter PG_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    /** The kind of recovery target. */
    public enum Type {
        /** No target: replay all WAL available. */
        LATEST,
        /** Stop as soon as the backup is consistent ({@code recovery_target = 'immediate'}). */
        IMMEDIATE,
        /** {@code recovery_target_time}. */
        TIME,
        /** {@code recovery_target_lsn}. */
        LSN,
        /** {@code recovery_target_xid}. */
        XID,
        /** {@code recovery_target_name}, a point made with {@code pg_create_restore_point}. */
        NAME
    }

    private final Type type;
    private final String value;
    private final Instant time;
    private final Lsn lsn;
    private final Boolean inclusive;
    private final RecoveryTargetAction action;
    private final String timeline;

    private RecoveryTarget(Type type, String value, Instant time, Lsn lsn, Boolean inclusive,
                           RecoveryTargetAction action, String timeline) {
        this.type = type;
        this.value = value;
        this.time = time;
        this.lsn = lsn;
        this.inclusive = inclusive;
        this.action = action;
        this.timeline = timeline;
    }

    /**
     * Recover to the end of the available WAL.
     *
     * @return the target
     */
    public static RecoveryTarget latest() {
        return new RecoveryTarget(Type.LATEST, null, null, null, null, null, null);
    }

    /**
     * Recover only until the backup is consistent.
     *
     * @return the target
     */
    public static RecoveryTarget immediate() {
        return new RecoveryTarget(Type.IMMEDIATE, "immediate", null, null, null, null, null);
    }

    /**
     * Recover to a point in time.
     *
     * @param time the instant
     * @return the target
     */
    public static RecoveryTarget time(Instant time) {
        Objects.requireNonNull(time, "time");
        String text = PG_FORMAT.format(time.atOffset(ZoneOffset.UTC)) + "+00";
        return new RecoveryTarget(Type.TIME, text, time, null, null, null, null);
    }

    /**
     * Recover to a log sequence number.
     *
     * @param lsn the LSN
     * @return the target
     */
    public static RecoveryTarget lsn(Lsn lsn) {
        Objects.requireNonNull(lsn, "lsn");
        return new RecoveryTarget(Type.LSN, lsn.toString(), null, lsn, null, null, null);
    }

    /**
     * Recover to the commit of a transaction.
     *
     * @param xid the transaction id as PostgreSQL prints it ({@code txid_current()})
     * @return the target
     */
    public static RecoveryTarget xid(String xid) {
        if (xid == null || !xid.trim().matches("\\d{1,20}")) {
            throw new InvalidRequestException("Recovery target xid '" + xid + "' is not a transaction id: expected a decimal number");
        }
        return new RecoveryTarget(Type.XID, xid.trim(), null, null, null, null, null);
    }

    /**
     * Recover to a named restore point.
     *
     * @param name the name given to {@code pg_create_restore_point}
     * @return the target
     */
    public static RecoveryTarget name(String name) {
        if (name == null || name.isEmpty() || name.length() >= 64) {
            throw new InvalidRequestException("Recovery target name '" + name + "' must have 1 to 63 characters");
        }
        return new RecoveryTarget(Type.NAME, name, null, null, null, null, null);
    }

    /**
     * Parses a time as ISO 8601 ({@code 2026-11-21T10:15:03Z}) or as PostgreSQL prints a
     * {@code timestamptz} ({@code 2026-11-21 10:15:03.123456+00}). A time without a zone is refused:
     * guessing the zone would silently recover to the wrong point.
     *
     * @param text the time
     * @return the instant
     * @throws InvalidRequestException if the text has no zone or does not parse
     */
    public static Instant parseTime(String text) {
        String t = text == null ? "" : text.trim();
        Matcher m = PG_TIME.matcher(t);
        if (!m.matches()) {
            throw new InvalidRequestException("Cannot parse recovery target time '" + text
                    + "': use ISO 8601 (2026-11-21T10:15:03Z) or PostgreSQL's text (2026-11-21 10:15:03.123456+00)");
        }
        String zone = m.group(3);
        if (zone == null) {
            throw new InvalidRequestException("Recovery target time '" + text + "' has no time zone; add one, e.g. '"
                    + t + "+00' for UTC (HINT: SELECT now() prints the server's offset)");
        }
        String time = m.group(2).length() == 5 ? m.group(2) + ":00" : m.group(2);
        String offset;
        if (zone.equals("Z") || zone.equals("UTC")) {
            offset = "Z";
        } else if (zone.length() == 3) {
            offset = zone + ":00";
        } else if (zone.length() == 5) {
            offset = zone.substring(0, 3) + ":" + zone.substring(3);
        } else {
            offset = zone;
        }
        try {
            return OffsetDateTime.parse(m.group(1) + "T" + time + offset).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("Cannot parse recovery target time '" + text + "': " + e.getMessage(), e);
        }
    }

    /**
     * Returns a copy that stops just before ({@code false}) or just after ({@code true}) the target.
     *
     * @param value {@code recovery_target_inclusive}
     * @return the new target
     */
    public RecoveryTarget withInclusive(boolean value) {
        return new RecoveryTarget(type, this.value, time, lsn, value, action, timeline);
    }

    /**
     * Returns a copy with the action to take at the target.
     *
     * @param value {@code recovery_target_action}
     * @return the new target
     */
    public RecoveryTarget withAction(RecoveryTargetAction value) {
        return new RecoveryTarget(type, this.value, time, lsn, inclusive, value, timeline);
    }

    /**
     * Returns a copy that follows the given timeline: {@code latest}, {@code current} or a number.
     *
     * @param value {@code recovery_target_timeline}
     * @return the new target
     */
    public RecoveryTarget withTimeline(String value) {
        if (value != null && !value.matches("latest|current|\\d{1,10}|0[xX][0-9A-Fa-f]{1,8}")) {
            throw new InvalidRequestException("Recovery target timeline '" + value + "' must be latest, current or a number");
        }
        return new RecoveryTarget(type, this.value, time, lsn, inclusive, action, value);
    }

    /** @return the kind of target */
    public Type type() {
        return type;
    }

    /** @return the target time, or {@code null} if this is not a time target */
    public Instant time() {
        return time;
    }

    /** @return the target LSN, or {@code null} if this is not an LSN target */
    public Lsn lsn() {
        return lsn;
    }

    /** @return the action, or {@code null} for the server's default ({@code pause}) */
    public RecoveryTargetAction action() {
        return action;
    }

    /**
     * Returns the recovery settings for {@code postgresql.auto.conf}, in a stable order, values
     * unquoted.
     *
     * @return setting name to value; empty for {@link Type#LATEST} with no options
     */
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        switch (type) {
            case IMMEDIATE -> s.put("recovery_target", "immediate");
            case TIME -> s.put("recovery_target_time", value);
            case LSN -> s.put("recovery_target_lsn", value);
            case XID -> s.put("recovery_target_xid", value);
            case NAME -> s.put("recovery_target_name", value);
            case LATEST -> { }
        }
        if (inclusive != null && type != Type.LATEST && type != Type.IMMEDIATE && type != Type.NAME) {
            s.put("recovery_target_inclusive", inclusive ? "on" : "off");
        }
        if (action != null && type != Type.LATEST) {
            s.put("recovery_target_action", action.settingValue());
        }
        if (timeline != null) {
            s.put("recovery_target_timeline", timeline);
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecoveryTarget r && r.settings().equals(settings());
    }

    @Override
    public int hashCode() {
        return settings().hashCode();
    }

    @Override
    public String toString() {
        return type == Type.LATEST ? "latest" : settings().toString();
    }
}
