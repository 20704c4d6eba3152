package io.walkeeper.core.repo;

import java.time.Duration;
import java.time.Instant;

/**
 * The lease of a running backup, {@code backups/<name>.lease}: created exclusively before the
 * backup writes anything (which reserves its name), renewed while it runs, deleted when it ends.
 * Retention keeps the WAL from a live lease's start segment and the parent it names; a lease not
 * renewed for longer than the lease timeout is reported and ignored (its backup was killed).
 *
 * @param name the backup name
 * @param runId a random identity of the run, told apart from another run that raced for the name
 * @param host the host the backup runs on
 * @param pid its process id
 * @param startTime when the backup started, ISO 8601 UTC
 * @param renewedAt when the lease was last renewed, ISO 8601 UTC
 * @param timeline the timeline the backup started on
 * @param startLsn the backup's start LSN
 * @param startWalSegment the segment holding the start LSN: recovery from this backup needs it and all after it
 * @param parent the parent of a delta, or {@code null}
 */
public record BackupLease(String name, String runId, String host, long pid, String startTime, String renewedAt,
                          long timeline, String startLsn, String startWalSegment, String parent) {

    /**
     * @param at when it is renewed
     * @return this lease renewed
     */
    public BackupLease renewed(Instant at) {
        return new BackupLease(name, runId, host, pid, startTime, at.toString(), timeline, startLsn, startWalSegment, parent);
    }

    /**
     * Tells whether the backup stopped renewing the lease long ago.
     *
     * @param now the time now
     * @param timeout how long a lease lives without renewal
     * @return {@code true} if its backup must be presumed dead
     */
    public boolean expired(Instant now, Duration timeout) {
        return Instant.parse(renewedAt).plus(timeout).isBefore(now);
    }

    @Override
    public String toString() {
        return "backup " + name + " (process " + pid + " on " + host + ", started " + startTime + ", renewed " + renewedAt
                + ", start segment " + startWalSegment + (parent == null ? "" : ", parent " + parent) + ")";
    }
}
