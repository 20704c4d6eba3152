package io.walkeeper.core.drill;

import io.walkeeper.api.DrillCheck;
import io.walkeeper.api.WalSegmentName;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryLayout;
import io.walkeeper.core.repo.WalObject;
import io.walkeeper.spi.BlobInfo;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What the archive says about where recovery ended. PostgreSQL takes a segment that
 * {@code restore_command} cannot find as the end of the archive and is promoted there, so a
 * recovery "to the end" that stops at a hole in the archive looks like success from the server's
 * side; the drill compares where it stopped with what the archive holds.
 */
final class WalContinuity {
    static final String CHECK = "wal-continuity";

    private WalContinuity() {
    }

    /**
     * Checks that the archive holds no complete segment of the last restored segment's timeline
     * after it: if it does, recovery stopped early, and the first segment missing after it is
     * named.
     *
     * @param repository the repository
     * @param lastRestored the last segment the server restored from the archive
     * @param segmentSize the cluster's WAL segment size
     * @return the check
     */
    static DrillCheck afterRecovery(Repository repository, String lastRestored, long segmentSize) {
        long started = System.nanoTime();
        WalSegmentName last = WalSegmentName.parse(lastRestored, segmentSize);
        TreeSet<WalSegmentName> later = new TreeSet<>();
        for (WalSegmentName s : completeSegments(repository, last.timeline().toHex(), segmentSize)) {
            if (s.compareTo(last) > 0) {
                later.add(s);
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        if (later.isEmpty()) {
            return new DrillCheck(CHECK, DrillCheck.Status.PASSED, "recovery used the archive to its end: no complete "
                    + "segment of timeline " + last.timeline().asLong() + " after " + last, elapsed);
        }
        WalSegmentName missing = last.next();
        while (later.contains(missing)) {
            missing = missing.next();
        }
        if (missing.compareTo(later.last()) < 0) {
            return new DrillCheck(CHECK, DrillCheck.Status.FAILED, "WAL segment " + missing + " is missing from the archive: "
                    + "recovery stopped after " + last + " and was promoted, although the archive holds later segments of "
                    + "timeline " + last.timeline().asLong() + " up to " + later.last() + ", whose transactions the "
                    + "recovered server lacks (HINT: wal-show lists the gaps; a backup taken after the gap can reach the "
                    + "present)", elapsed);
        }
        return new DrillCheck(CHECK, DrillCheck.Status.FAILED, "recovery stopped after " + last + " although the archive "
                + "holds later segments of timeline " + last.timeline().asLong() + " up to " + later.last()
                + " (HINT: the server log's last lines say why replay ended; a segment may be damaged)", elapsed);
    }

    /**
     * Finds the first segment from a backup's start to its stop segment that the archive lacks.
     *
     * @param repository the repository
     * @param start the start segment
     * @param stop the stop segment
     * @param segmentSize the segment size
     * @return the first missing segment, or empty when all are there
     */
    static Optional<String> firstMissing(Repository repository, String start, String stop, long segmentSize) {
        WalSegmentName first = WalSegmentName.parse(start, segmentSize);
        WalSegmentName last = WalSegmentName.parse(stop, segmentSize);
        for (WalSegmentName s = first; s.compareTo(last) <= 0; s = s.next()) {
            if (repository.findWal(s.toString()).isEmpty()) {
                return Optional.of(s.toString());
            }
        }
        return Optional.empty();
    }

    private static List<WalSegmentName> completeSegments(Repository repository, String timelineHex, long segmentSize) {
        try (Stream<BlobInfo> s = repository.store().list(RepositoryLayout.WAL_PREFIX + timelineHex)) {
            // complete segments only: neither a .partial nor a backup history file stands in for one
            return s.flatMap(b -> WalObject.of(b.key()).stream()).filter(o -> o.kind() == WalObject.Kind.SEGMENT)
                    .map(o -> WalSegmentName.parse(o.segment(), segmentSize))
                    .toList();
        }
    }
}
