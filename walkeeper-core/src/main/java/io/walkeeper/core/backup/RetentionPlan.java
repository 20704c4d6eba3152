package io.walkeeper.core.backup;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.RetentionPolicy;
import io.walkeeper.core.repo.BackupLease;
import io.walkeeper.core.repo.WalObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What applying a retention policy deletes, worked out from the repository's listing before
 * anything is touched. Kept: what the policy keeps, permanent backups, the newest backup (the one
 * that finished last, whatever its timeline and LSN), the parent of each running backup, and the
 * whole parent chain of each of them. Deleted: every other backup, newest first (so children
 * before parents); archived WAL segments (and their {@code .partial} and {@code .backup} files),
 * on every timeline, whose position is before the oldest kept backup's or running backup's start
 * segment. Timeline history files, objects of any other
 * name, and the parts of backups without a manifest (running, or left by a crash) are never
 * deleted. With no backup at all, nothing is deleted. A backup that runs while retention deletes
 * checks, before it writes its manifest, that its parent and its WAL are still there.
 *
 * @param kept the backups kept, oldest first
 * @param deleted the backups to delete, newest first
 * @param oldestKeptSegment the start segment of the oldest kept backup, or {@code null}
 * @param walKeys the WAL objects to delete
 */
record RetentionPlan(List<BackupInfo> kept, List<BackupInfo> deleted, String oldestKeptSegment, List<String> walKeys) {

    RetentionPlan {
        kept = List.copyOf(kept);
        deleted = List.copyOf(deleted);
        walKeys = List.copyOf(walKeys);
    }

    /**
     * Works out the plan.
     *
     * @param backups every completed backup
     * @param policy what to keep
     * @param walKeys the keys under {@code wal/}
     * @param running the live leases of running backups: the WAL from their start segments and the
     *     parents they name are kept
     * @return the plan
     */
    static RetentionPlan of(List<BackupInfo> backups, RetentionPolicy policy, List<String> walKeys, List<BackupLease> running) {
        if (backups.isEmpty()) {
            return new RetentionPlan(List.of(), List.of(), null, List.of());
        }
        Map<String, BackupInfo> byName = new HashMap<>();
        backups.forEach(b -> byName.put(b.name(), b));
        Set<String> keep = new HashSet<>(policy.keep(backups));
        backups.stream().max(RetentionPolicy.NEWEST_LAST).ifPresent(b -> keep.add(b.name()));
        backups.stream().filter(BackupInfo::permanent).forEach(b -> keep.add(b.name()));
        running.stream().map(BackupLease::parent).filter(p -> p != null).forEach(keep::add);
        for (String name : new ArrayList<>(keep)) {
            for (BackupInfo b = byName.get(name); b != null && b.parentName() != null; b = byName.get(b.parentName())) {
                keep.add(b.parentName());
            }
        }
        keep.retainAll(byName.keySet());

        List<BackupInfo> kept = backups.stream().filter(b -> keep.contains(b.name())).sorted(RetentionPolicy.NEWEST_LAST)
                .toList();
        List<BackupInfo> deleted = backups.stream().filter(b -> !keep.contains(b.name()))
                .sorted(RetentionPolicy.NEWEST_LAST.reversed()).toList();
        String oldest = Stream.concat(kept.stream().map(BackupInfo::startWalSegment),
                running.stream().map(BackupLease::startWalSegment)).min(Comparator.comparing(RetentionPlan::position))
                .orElseThrow();
        String boundary = position(oldest);

        List<String> wal = new ArrayList<>();
        for (String key : walKeys) {
            // segments, partial segments and backup history files before the boundary; timeline histories stay
            WalObject.of(key).filter(o -> o.kind() != WalObject.Kind.TIMELINE_HISTORY)
                    .filter(o -> o.position().compareTo(boundary) < 0).ifPresent(o -> wal.add(key));
        }
        return new RetentionPlan(kept, deleted, oldest, wal);
    }

    /** The log and segment number of a segment name (its last 16 hex digits), ordered as positions are. */
    private static String position(String segment) {
        return segment.substring(8);
    }
}
