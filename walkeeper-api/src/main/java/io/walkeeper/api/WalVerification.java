package io.walkeeper.api;

import java.util.List;

/**
 * What {@link WalArchiver#verify(ClusterWalState)} found.
 *
 * <p><b>Integrity</b>: every segment from the oldest backup's start to the segment before the
 * cluster's current one, along the cluster's timeline history, is in the archive as a complete
 * segment: {@link Status#OK}; some are missing but waiting for the archiver (a {@code .ready}
 * file, or newer than the last segment the server reports archived): {@link Status#WARNING};
 * some are lost: {@link Status#FAILURE}. Without any backup there is nothing to check from:
 * {@link Status#WARNING}.
 *
 * <p><b>Timeline</b>: {@link Status#WARNING} when the archive holds a timeline newer than the
 * cluster's (another server was promoted and archives here), else {@link Status#OK}.
 *
 * @param integrity the integrity check's outcome
 * @param timeline the timeline check's outcome
 * @param firstSegment the first segment checked (the oldest backup's start), or {@code null}
 * @param lastSegment the last segment checked, or {@code null}
 * @param segmentsChecked how many segments were expected
 * @param lost expected segments that are not archived and not waiting to be, oldest first
 * @param pending expected segments that PostgreSQL has not archived yet, oldest first
 * @param clusterTimeline the cluster's timeline
 * @param newerTimelines timelines in the archive newer than the cluster's
 */
public record WalVerification(Status integrity, Status timeline, String firstSegment, String lastSegment,
        long segmentsChecked, List<String> lost, List<String> pending, TimelineId clusterTimeline,
        List<TimelineId> newerTimelines) {

    /** The outcome of one check. */
    public enum Status {
        /** Nothing to act on. */
        OK,
        /** Worth a look, not a loss: segments still to be archived, a newer timeline, no backup. */
        WARNING,
        /** The archive cannot bring a restore of the oldest backup to the cluster's present. */
        FAILURE
    }

    /** Makes the lists immutable. */
    public WalVerification {
        lost = List.copyOf(lost);
        pending = List.copyOf(pending);
        newerTimelines = List.copyOf(newerTimelines);
    }

    /**
     * Returns the worse of the two outcomes.
     *
     * @return {@link Status#FAILURE} if either failed, else {@link Status#WARNING} if either warns, else OK
     */
    public Status overall() {
        return integrity.compareTo(timeline) >= 0 ? integrity : timeline;
    }
}
