package io.walkeeper.core.wal;

import io.walkeeper.api.ClusterWalState;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import io.walkeeper.api.WalSegmentName;
import io.walkeeper.api.WalVerification;
import io.walkeeper.api.WalVerification.Status;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.ManifestSummary;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryLayout;
import io.walkeeper.core.repo.WalObject;
import io.walkeeper.core.repo.TimelineHistory;
import io.walkeeper.spi.BlobInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code wal-verify integrity|timeline}: walks the cluster's timeline path (from the archived
 * {@code .history} of its timeline) from the oldest backup's start segment to the segment before
 * the current one, and checks that each is archived as a complete segment on the timeline that
 * owns it; the segment holding a switch point belongs to the new timeline. One listing of
 * {@code wal/}.
 */
final class WalIntegrity {
    /** The most missing segments a result names one by one; the count is always exact. */
    static final int MAX_NAMED = 1000;

    private WalIntegrity() {
    }

    static WalVerification verify(Repository repository, ClusterWalState cluster) {
        long size = cluster.segmentSize();
        Set<String> complete = new HashSet<>();
        Set<Long> timelines = new TreeSet<>();
        try (Stream<BlobInfo> s = repository.store().list(RepositoryLayout.WAL_PREFIX)) {
            s.forEach(b -> WalObject.of(b.key()).filter(o -> o.kind() != WalObject.Kind.BACKUP_HISTORY).ifPresent(o -> {
                timelines.add(o.timeline());
                if (o.kind() == WalObject.Kind.SEGMENT) {
                    complete.add(o.segment());
                }
            }));
        }
        List<TimelineId> newer = timelines.stream().filter(t -> t > cluster.timeline().asLong()).map(TimelineId::of).toList();
        Status timelineStatus = newer.isEmpty() ? Status.OK : Status.WARNING;

        BackupManifest oldest = repository.manifestSummaries().stream().map(ManifestSummary::header)
                .min(Comparator.comparing(BackupManifest::finishTime)).orElse(null);
        if (oldest == null) {
            return new WalVerification(Status.WARNING, timelineStatus, null, null, 0, List.of(), List.of(), cluster.timeline(),
                    newer);
        }
        var history = TimelineHistory.read(repository, cluster.timeline());
        Map<Long, Lsn> switches = history.map(TimelineHistory::switchPoints).orElse(Map.of());
        long from = WalSegmentName.parse(oldest.startWalSegment(), size).segmentNumber();
        long current = WalSegmentName.parse(cluster.currentSegment(), size).segmentNumber();
        long lastArchived = cluster.lastArchived() == null ? -1
                : WalSegmentName.parse(cluster.lastArchived(), size).segmentNumber();
        List<String> lost = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        long lostCount = 0;
        if (history.isEmpty() && cluster.timeline().asLong() > 1) {
            // without it a restore cannot follow the cluster's timeline: as lost as a segment
            lost.add(String.format("%08X.history", cluster.timeline().asLong()));
            lostCount++;
        }
        long pendingCount = 0;
        String last = null;
        for (long n = from; n < current; n++) {
            String name = new WalSegmentName(owner(n, switches, cluster.timeline(), size), n, size).toString();
            last = name;
            if (complete.contains(name)) {
                continue;
            }
            if (cluster.ready().contains(name) || n > lastArchived) {
                pendingCount++;
                if (pending.size() < MAX_NAMED) {
                    pending.add(name);
                }
            } else {
                lostCount++;
                if (lost.size() < MAX_NAMED) {
                    lost.add(name);
                }
            }
        }
        Status integrity = lostCount > 0 ? Status.FAILURE : pendingCount > 0 ? Status.WARNING : Status.OK;
        return new WalVerification(integrity, timelineStatus, oldest.startWalSegment(), last, Math.max(0, current - from), lost,
                pending, cluster.timeline(), newer);
    }

    /**
     * The timeline that owns segment {@code n} on the path to {@code current}: the oldest ancestor
     * that switched after the segment began; the segment holding a switch point is the child's.
     */
    static TimelineId owner(long n, Map<Long, Lsn> switches, TimelineId current, long size) {
        for (Map.Entry<Long, Lsn> e : switches.entrySet()) {
            if (n < e.getValue().segmentNumber(size)) {
                return TimelineId.of(e.getKey());
            }
        }
        return current;
    }
}
