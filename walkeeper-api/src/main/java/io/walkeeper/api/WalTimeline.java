package io.walkeeper.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One timeline of the WAL archive as {@link WalArchiver#timelines()} finds it: where it came
 * from (its {@code .history} file), which segments of it are archived, the gaps between them,
 * and the backups that start on it.
 *
 * @param timeline the timeline
 * @param parentTimeline the timeline it branched from, {@code null} when its history file is not
 *     archived (always so for timeline 1); see {@link #parent()}
 * @param switchLsn the LSN on the parent where it began, {@code null} with {@code parentTimeline}
 * @param historyArchived whether its {@code TTTTTTTT.history} file is in the archive
 * @param firstSegment the oldest archived segment (complete or {@code .partial}), {@code null}
 *     when none is archived
 * @param lastSegment the newest archived segment, {@code null} when none is archived
 * @param segmentCount how many segments are archived (a {@code .partial} counts once)
 * @param partialSegments the segments archived only as {@code .partial} (the end of a timeline
 *     that a promotion left), by name without the suffix
 * @param gaps the runs of segments missing between the first and the last, oldest first
 * @param backups the backups whose start is on this timeline, oldest first
 */
public record WalTimeline(TimelineId timeline, TimelineId parentTimeline, Lsn switchLsn, boolean historyArchived,
                          String firstSegment, String lastSegment, long segmentCount, List<String> partialSegments,
                          List<WalGap> gaps, List<String> backups) {

    /** Checks the values and makes the lists immutable. */
    public WalTimeline {
        Objects.requireNonNull(timeline, "timeline");
        if ((parentTimeline == null) != (switchLsn == null)) {
            throw new IllegalArgumentException("A parent timeline and its switch LSN come together");
        }
        partialSegments = List.copyOf(partialSegments);
        gaps = List.copyOf(gaps);
        backups = List.copyOf(backups);
    }

    /**
     * Returns the timeline this one branched from.
     *
     * @return the parent, empty when no history file is archived for this timeline
     */
    public Optional<TimelineId> parent() {
        return Optional.ofNullable(parentTimeline);
    }

    /**
     * Returns how many segments are missing between the first and the last archived one.
     *
     * @return the sum of the gaps' counts
     */
    public long missingSegments() {
        return gaps.stream().mapToLong(WalGap::count).sum();
    }
}
