package io.walkeeper.core.backup;

import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.DeltaOrigin;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.IndexedManifest;
import io.walkeeper.core.repo.ManifestSummary;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.TimelineHistory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a backup is a delta and of which parent: before the backup starts, by the
 * delta policy and the cluster's facts ({@link #candidate}); once PostgreSQL has given the start
 * LSN and timeline, by whether the parent lies on this backup's history ({@link #confirm}). Each
 * refusal is logged with its reason, and the backup is then taken full.
 */
final class DeltaPlanner {
    private static final Logger LOG = LoggerFactory.getLogger(DeltaPlanner.class);

    private final Repository repository;
    private final BackupSettings settings;

    DeltaPlanner(Repository repository, BackupSettings settings) {
        this.repository = repository;
        this.settings = settings;
    }

    /**
     * The newest backup a delta may be taken against under the policy, with its file list
     * indexed (the caller closes it), or {@code null}.
     */
    IndexedManifest candidate(BackupRequest request, ClusterFacts cluster) {
        if (request.forceFull() || settings.deltaMaxSteps() == 0) {
            return null;
        }
        List<BackupManifest> all = repository.manifestSummaries().stream().map(ManifestSummary::header).toList();
        Map<String, BackupManifest> byName = new HashMap<>();
        all.forEach(m -> byName.put(m.name(), m));
        Optional<BackupManifest> newest = all.stream()
                .filter(m -> settings.deltaOrigin() == DeltaOrigin.LATEST || m.kind() == BackupKind.FULL)
                .max(Comparator.comparing(BackupManifest::finishTime));
        if (newest.isEmpty()) {
            LOG.info("Taking a full backup: there is no earlier {}backup to take a delta against",
                    settings.deltaOrigin() == DeltaOrigin.LATEST_FULL ? "full " : "");
            return null;
        }
        BackupManifest parent = newest.get();
        int steps = 0;
        for (BackupManifest m = parent; m.kind() != BackupKind.FULL; steps++) {
            m = byName.get(m.parent());
            if (m == null || steps > 10_000) {
                LOG.info("Taking a full backup: the chain of {} is incomplete (a parent backup is missing)", parent.name());
                return null;
            }
        }
        if (steps + 1 > settings.deltaMaxSteps()) {
            LOG.info("Taking a full backup: {} is already {} delta step(s) from its full backup and the limit is {}",
                    parent.name(), steps, settings.deltaMaxSteps());
            return null;
        }
        String refusal = incompatibility(parent, cluster);
        if (refusal != null) {
            LOG.info("Taking a full backup instead of a delta of {}: {}", parent.name(), refusal);
            return null;
        }
        // chosen from summaries; the delta needs the parent's file list, which waits on disk
        Optional<IndexedManifest> whole = repository.readManifestIndexed(parent.name());
        if (whole.isEmpty()) {
            LOG.info("Taking a full backup: {} was deleted while the delta's parent was being chosen", parent.name());
            return null;
        }
        return whole.get();
    }

    private static String incompatibility(BackupManifest parent, ClusterFacts cluster) {
        if (!parent.systemIdentifier().equals(Long.toUnsignedString(cluster.sysid()))) {
            return "it belongs to system identifier " + parent.systemIdentifier();
        }
        if (parent.pgVersionNum() / 10000 != cluster.version() / 10000) {
            return "it was taken from PostgreSQL " + parent.pgVersionNum() / 10000 + ", this server is "
                    + cluster.version() / 10000;
        }
        if (parent.blockSize() != cluster.blockSize()) {
            return "its block size is " + parent.blockSize() + ", this cluster's is " + cluster.blockSize();
        }
        if (parent.dataChecksums() != cluster.checksums()) {
            return "data checksums were " + (parent.dataChecksums() ? "on" : "off") + " then and are "
                    + (cluster.checksums() ? "on" : "off") + " now";
        }
        return null;
    }

    /** The candidate if a delta against it is sound from this backup's start, else {@code null}. */
    BackupManifest confirm(BackupManifest candidate, TimelineId timeline, Lsn start) {
        if (candidate == null) {
            return null;
        }
        Lsn parentStop = candidate.stopLsn();
        String refusal = null;
        if (parentStop.compareTo(start) > 0) {
            refusal = "it ends at " + parentStop + ", after this backup's start " + start
                    + " (the cluster was restored or rewound to an earlier point)";
        } else if (!candidate.timeline().equals(timeline)) {
            refusal = timelineRefusal(candidate, timeline, parentStop);
        }
        if (refusal != null) {
            LOG.info("Taking a full backup instead of a delta of {}: {}", candidate.name(), refusal);
            return null;
        }
        return candidate;
    }

    /** A delta across a timeline switch is sound only if the parent's timeline is an ancestor that branched after the parent ended. */
    private String timelineRefusal(BackupManifest parent, TimelineId timeline, Lsn parentStop) {
        Optional<TimelineHistory> history = TimelineHistory.read(repository, timeline);
        if (history.isEmpty()) {
            return "it is on timeline " + parent.timeline() + " and the history file of timeline " + timeline
                    + " is not in the archive";
        }
        Optional<Lsn> switchPoint = history.get().switchPoint(parent.timeline().asLong());
        if (switchPoint.isEmpty()) {
            return "its timeline " + parent.timeline() + " is not an ancestor of timeline " + timeline;
        }
        if (switchPoint.get().compareTo(parentStop) < 0) {
            return "timeline " + timeline + " branched off timeline " + parent.timeline() + " at " + switchPoint.get()
                    + ", before the parent ended at " + parentStop;
        }
        return null;
    }
}
