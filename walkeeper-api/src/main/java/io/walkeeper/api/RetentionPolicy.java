package io.walkeeper.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides which backups to keep. Permanent backups and every backup a kept delta depends on are
 * always kept, whatever the policy says.
 */
@FunctionalInterface
public interface RetentionPolicy {

    /**
     * Orders backups by when they finished, oldest first; ties by timeline, then start LSN. After a
     * point-in-time restore the cluster's LSNs start again from an earlier point on a new timeline,
     * so "newest" must mean "finished last", never "highest LSN".
     */
    Comparator<BackupInfo> NEWEST_LAST = Comparator.comparing(BackupInfo::finishTime)
            .thenComparing(BackupInfo::timeline)
            .thenComparing(BackupInfo::startLsn);

    /**
     * Chooses the backups the policy itself wants to keep.
     *
     * @param backups all completed backups, in any order
     * @return the names of the backups to keep
     */
    Set<String> choose(List<BackupInfo> backups);

    /**
     * Returns the backups to keep: what {@link #choose} picks, plus permanent backups, plus the
     * whole parent chain of each kept backup.
     *
     * @param backups all completed backups
     * @return the names to keep
     */
    default Set<String> keep(List<BackupInfo> backups) {
        Set<String> keep = new HashSet<>(choose(backups));
        backups.stream().filter(BackupInfo::permanent).forEach(b -> keep.add(b.name()));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (BackupInfo b : backups) {
                if (keep.contains(b.name()) && b.parentName() != null && keep.add(b.parentName())) {
                    grew = true;
                }
            }
        }
        return keep;
    }

    /**
     * Keeps the newest {@code count} full backups and the deltas built on them.
     *
     * @param count how many full backups to keep, at least 1
     * @return the policy
     */
    static RetentionPolicy keepFullBackups(int count) {
        if (count < 1) {
            throw new InvalidRequestException("Retention must keep at least one full backup, not " + count);
        }
        return backups -> {
            List<BackupInfo> fulls = new ArrayList<>(backups.stream().filter(b -> b.kind() == BackupKind.FULL).toList());
            fulls.sort(NEWEST_LAST.reversed());
            Set<String> keep = new HashSet<>();
            fulls.stream().limit(count).forEach(b -> keep.add(b.name()));
            boolean grew = true;
            while (grew) {
                grew = false;
                for (BackupInfo b : backups) {
                    if (b.parentName() != null && keep.contains(b.parentName()) && keep.add(b.name())) {
                        grew = true;
                    }
                }
            }
            return keep;
        };
    }

    /**
     * Keeps the newest {@code count} backups, full or delta, and (through {@link #keep}) every
     * backup they are built on, as WAL-G's {@code delete retain N} does.
     *
     * @param count how many backups to keep, at least 1
     * @return the policy
     */
    static RetentionPolicy keepBackups(int count) {
        if (count < 1) {
            throw new InvalidRequestException("Retention must keep at least one backup, not " + count);
        }
        return backups -> {
            List<BackupInfo> newestFirst = new ArrayList<>(backups);
            newestFirst.sort(NEWEST_LAST.reversed());
            Set<String> keep = new HashSet<>();
            newestFirst.stream().limit(count).forEach(b -> keep.add(b.name()));
            return keep;
        };
    }
}
