package io.walkeeper.api;

import java.util.Objects;
import java.util.Set;

/**
 * Where a cluster's WAL stands, as {@link WalArchiver#verify(ClusterWalState)} needs it to tell a
 * lost segment from one PostgreSQL has not archived yet.
 *
 * @param timeline the cluster's current timeline
 * @param currentSegment the segment being written now (never expected in the archive)
 * @param lastArchived the last segment the server reports archived ({@code pg_stat_archiver}),
 *     or {@code null} when it has archived none since its statistics were reset
 * @param ready segments waiting for the archiver ({@code pg_wal/archive_status/*.ready})
 * @param segmentSize the cluster's WAL segment size in bytes
 */
public record ClusterWalState(TimelineId timeline, String currentSegment, String lastArchived, Set<String> ready,
        long segmentSize) {

    /**
     * Checks the values.
     *
     * @throws InvalidRequestException if a segment name is malformed
     */
    public ClusterWalState {
        Objects.requireNonNull(timeline, "timeline");
        WalSegmentName.parse(Objects.requireNonNull(currentSegment, "currentSegment"), segmentSize);
        if (lastArchived != null) {
            WalSegmentName.parse(lastArchived, segmentSize);
        }
        ready = Set.copyOf(ready);
    }
}
