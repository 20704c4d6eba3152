package io.walkeeper.core.wal;

import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import io.walkeeper.api.WalGap;
import io.walkeeper.api.WalSegmentName;
import io.walkeeper.api.WalTimeline;
import io.walkeeper.core.repo.ManifestSummary;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryDescriptor;
import io.walkeeper.core.repo.RepositoryLayout;
import io.walkeeper.core.repo.WalObject;
import io.walkeeper.core.repo.TimelineHistory;
import io.walkeeper.spi.BlobInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Builds the per-timeline view of the archive behind {@link DefaultWalArchiver#timelines()} from
 * one listing of {@code wal/}, the archived history files and the backup manifests. Segment
 * numbers are kept as primitive arrays (8 bytes per archived segment), so the order in which a
 * store lists does not matter.
 */
final class ArchiveTimelines {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveTimelines.class);
    /** A backup history file: not a segment, whatever its extensions. */

    private ArchiveTimelines() {
    }

    /** The segments of one timeline as listed: complete ones in a primitive array, .partial ones apart. */
    private static final class Segments {
        long[] complete = new long[16];
        int size;
        final TreeSet<Long> partial = new TreeSet<>();

        void add(long number, boolean isPartial) {
            if (isPartial) {
                partial.add(number);
                return;
            }
            if (size == complete.length) {
                complete = Arrays.copyOf(complete, size * 2);
            }
            complete[size++] = number;
        }

        /** The complete segments, sorted, each once. */
        long[] sortedComplete() {
            long[] sorted = Arrays.copyOf(complete, size);
            Arrays.sort(sorted);
            return distinct(sorted);
        }

        /** The segments archived only as .partial. */
        List<Long> partialOnly(long[] sortedComplete) {
            return partial.stream().filter(n -> Arrays.binarySearch(sortedComplete, n) < 0).toList();
        }

        /** Every archived segment, complete or partial, sorted, each once. */
        static long[] union(long[] sortedComplete, List<Long> partialOnly) {
            long[] all = Arrays.copyOf(sortedComplete, sortedComplete.length + partialOnly.size());
            for (int i = 0; i < partialOnly.size(); i++) {
                all[sortedComplete.length + i] = partialOnly.get(i);
            }
            Arrays.sort(all);
            return all;
        }

        private static long[] distinct(long[] sorted) {
            int n = 0;
            for (int i = 0; i < sorted.length; i++) {
                if (n == 0 || sorted[i] != sorted[n - 1]) {
                    sorted[n++] = sorted[i];
                }
            }
            return Arrays.copyOf(sorted, n);
        }
    }

    static List<WalTimeline> of(Repository repository) {
        long segmentSize = repository.descriptor().map(RepositoryDescriptor::walSegmentSize)
                .orElse(WalSegmentName.DEFAULT_SEGMENT_SIZE);
        Map<Long, Segments> segments = new TreeMap<>();
        TreeSet<Long> histories = new TreeSet<>();
        try (Stream<BlobInfo> listing = repository.store().list(RepositoryLayout.WAL_PREFIX)) {
            listing.forEach(blob -> WalObject.of(blob.key()).ifPresent(o -> {
                switch (o.kind()) {
                    case TIMELINE_HISTORY -> histories.add(o.timeline());
                    case SEGMENT, PARTIAL_SEGMENT -> {
                        try {
                            WalSegmentName segment = WalSegmentName.parse(o.segment(), segmentSize);
                            segments.computeIfAbsent(segment.timeline().asLong(), t -> new Segments())
                                    .add(segment.segmentNumber(), o.kind() == WalObject.Kind.PARTIAL_SEGMENT);
                        } catch (InvalidRequestException e) {
                            LOG.warn("Ignoring '{}' in the archive: {}", blob.key(), e.getMessage());
                        }
                    }
                    case BACKUP_HISTORY -> { }
                }
            }));
        }
        Map<Long, List<String>> backups = new TreeMap<>();
        for (ManifestSummary summary : repository.manifestSummaries()) {
            backups.computeIfAbsent(summary.header().timeline().asLong(), t -> new ArrayList<>()).add(summary.name());
        }
        TreeSet<Long> timelines = new TreeSet<>(segments.keySet());
        timelines.addAll(histories);
        timelines.addAll(backups.keySet());
        List<WalTimeline> out = new ArrayList<>();
        for (long tli : timelines) {
            out.add(timeline(repository, TimelineId.of(tli), segmentSize, segments.get(tli), histories.contains(tli),
                    backups.getOrDefault(tli, List.of())));
        }
        return out;
    }

    private static WalTimeline timeline(Repository repository, TimelineId tli, long segmentSize, Segments listed,
                                        boolean historyArchived, List<String> backups) {
        TimelineId parent = null;
        Lsn switchLsn = null;
        if (historyArchived) {
            Optional<Map.Entry<Long, Lsn>> p = TimelineHistory.read(repository, tli).flatMap(TimelineHistory::parent);
            if (p.isPresent()) {
                parent = TimelineId.of(p.get().getKey());
                switchLsn = p.get().getValue();
            } else {
                LOG.warn("The history file of timeline {} in the archive cannot be read", tli);
            }
        }
        if (listed == null) {
            return new WalTimeline(tli, parent, switchLsn, historyArchived, null, null, 0, List.of(), List.of(), backups);
        }
        long[] complete = listed.sortedComplete();
        List<Long> partialOnly = listed.partialOnly(complete);
        long[] numbers = Segments.union(complete, partialOnly);
        List<WalGap> gaps = new ArrayList<>();
        for (int i = 1; i < numbers.length; i++) {
            if (numbers[i] > numbers[i - 1] + 1) {
                gaps.add(new WalGap(name(tli, numbers[i - 1] + 1, segmentSize), name(tli, numbers[i] - 1, segmentSize),
                        numbers[i] - numbers[i - 1] - 1));
            }
        }
        List<String> partial = new ArrayList<>();
        for (long n : partialOnly) {
            partial.add(name(tli, n, segmentSize));
        }
        return new WalTimeline(tli, parent, switchLsn, historyArchived, name(tli, numbers[0], segmentSize),
                name(tli, numbers[numbers.length - 1], segmentSize), numbers.length, partial, gaps, backups);
    }

    private static String name(TimelineId tli, long number, long segmentSize) {
        return new WalSegmentName(tli, number, segmentSize).toString();
    }
}
