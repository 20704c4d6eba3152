package io.walkeeper.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a restore drill ({@link Restorer#drill(DrillRequest)}) measured and found. Every duration
 * is counted from the drill's start, before the first byte was restored, so
 * {@link #timeToPromotion()} is the measured recovery time objective: from nothing to a server
 * that accepts writes. Values the drill did not reach are {@code null}.
 *
 * @param backup the backup drilled
 * @param recoveryTarget the recovery target, as {@link RecoveryTarget#toString()} prints it
 * @param startedAt when the drill started
 * @param failure why the drill failed, naming the problem; {@code null} when it passed
 * @param pgVersion the drill server's {@code server_version}, or {@code null} if it never answered
 * @param restoreDuration how long the restore of the files took
 * @param timeToConsistency from the start to the consistent recovery state (read-only queries
 *     work), or {@code null}
 * @param timeToPromotion from the start to the end of recovery and promotion, or {@code null}
 * @param totalDuration the whole drill, checks and clean-up included
 * @param recoveredLsn the end of the last WAL record replayed, or {@code null}
 * @param recoveredTimeline the timeline that record is on, or {@code null}
 * @param lastReplayedTransactionTime the commit time of the last transaction replayed, or
 *     {@code null} when recovery replayed none
 * @param walSegmentsRestored WAL files the server fetched from the archive
 * @param checks each check, in the order they ran
 */
public record DrillReport(String backup, String recoveryTarget, Instant startedAt, String failure, String pgVersion,
                          Duration restoreDuration, Duration timeToConsistency, Duration timeToPromotion,
                          Duration totalDuration, Lsn recoveredLsn, TimelineId recoveredTimeline,
                          Instant lastReplayedTransactionTime, int walSegmentsRestored, List<DrillCheck> checks) {

    /** Checks the fields and copies the checks. */
    public DrillReport {
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(recoveryTarget, "recoveryTarget");
        Objects.requireNonNull(startedAt, "startedAt");
        checks = List.copyOf(checks);
    }

    /**
     * Tells whether the drill passed: the backup was restored, recovery reached its target and
     * the server was promoted, and no check failed.
     *
     * @return {@code true} when nothing failed
     */
    public boolean ok() {
        return failure == null;
    }
}
