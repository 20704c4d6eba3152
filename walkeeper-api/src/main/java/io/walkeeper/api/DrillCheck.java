package io.walkeeper.api;

import java.time.Duration;
import java.util.Objects;

/**
 * One check of a restore drill and its outcome.
 *
 * @param name what was checked: {@code recovery}, {@code wal-continuity}, {@code pg_amcheck} or
 *     {@code sql}
 * @param status how it ended
 * @param detail one or a few lines saying what was found (a failure names the problem)
 * @param elapsed how long the check took
 */
public record DrillCheck(String name, Status status, String detail, Duration elapsed) {

    /** How a check ended. */
    public enum Status {
        /** It ran and found nothing wrong. */
        PASSED,
        /** It ran and found a problem, or could not run. */
        FAILED,
        /** It did not run (not asked for, or its tool is not installed); says nothing either way. */
        SKIPPED
    }

    /** Checks the fields. */
    public DrillCheck {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
        elapsed = elapsed == null ? Duration.ZERO : elapsed;
    }
}
