package io.walkeeper.api;

import java.util.Locale;

/** What PostgreSQL does when it reaches the recovery target ({@code recovery_target_action}). */
public enum RecoveryTargetAction {
    /** Pause replay; read-only queries work; {@code pg_wal_replay_resume()} ends recovery. The server's default. */
    PAUSE,
    /** End recovery and open for writes on a new timeline. */
    PROMOTE,
    /** Stop the server. */
    SHUTDOWN;

    /**
     * Returns the value as written in {@code postgresql.conf}.
     *
     * @return {@code pause}, {@code promote} or {@code shutdown}
     */
    public String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses the setting text (any case).
     *
     * @param text {@code pause}, {@code promote} or {@code shutdown}
     * @return the action
     */
    public static RecoveryTargetAction parse(String text) {
        for (RecoveryTargetAction a : values()) {
            if (a.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return a;
            }
        }
        throw new InvalidRequestException("Unknown recovery target action '" + text + "': use pause, promote or shutdown");
    }
}
