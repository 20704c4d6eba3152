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

    /**
     * Keeps what this policy keeps and what {@code other} keeps: WAL-G's
     * {@code delete retain N --after TIME} is {@code keepBackups(n).or(keepFinishedAfter(time))}.
     *
     * @param other another policy
     * @return the union of both
     */
    default RetentionPolicy or(RetentionPolicy other) {
        java.util.Objects.requireNonNull(other, "other");
        return backups -> {
            Set<String> keep = new HashSet<>(choose(backups));
            keep.addAll(other.choose(backups));
            return keep;
        };
    }

    /**
     * Keeps only what both this policy and {@code other} keep (permanent backups and the chains
     * of kept deltas are still always kept, by {@link #keep}).
     *
     * @param other another policy
     * @return the intersection of both
     */
    default RetentionPolicy and(RetentionPolicy other) {
        java.util.Objects.requireNonNull(other, "other");
        return backups -> {
            Set<String> keep = new HashSet<>(choose(backups));
            keep.retainAll(other.choose(backups));
            return keep;
        };
    }

    /**
     * Keeps every backup that finished at or after {@code time}, as WAL-G's
     * {@code delete before TIME} and {@code --after TIME} do.
     *
     * @param time the oldest finish time kept
     * @return the policy
     */
    static RetentionPolicy keepFinishedAfter(java.time.Instant time) {
        java.util.Objects.requireNonNull(time, "time");
        return backups -> {
            Set<String> keep = new HashSet<>();
            backups.stream().filter(b -> !b.finishTime().isBefore(time)).forEach(b -> keep.add(b.name()));
            return keep;
        };
    }

    /**
     * Keeps every backup younger than {@code age} when the policy is applied.
     *
     * @param age how old a kept backup may be, positive
     * @param clock the clock that says what "now" is
     * @return the policy
     */
    static RetentionPolicy keepNewerThan(java.time.Duration age, java.time.Clock clock) {
        if (age == null || age.isNegative() || age.isZero()) {
            throw new InvalidRequestException("The age of kept backups must be positive, not " + age);
        }
        java.util.Objects.requireNonNull(clock, "clock");
        return backups -> keepFinishedAfter(clock.instant().minus(age)).choose(backups);
    }

    /**
     * Keeps the named backup and every backup that finished after it, as WAL-G's
     * {@code delete before NAME} does (the backups a kept delta is built on stay too, so
     * {@code FIND_FULL} is what always happens).
     *
     * @param name the oldest backup to keep
     * @return the policy
     * @throws NotFoundException when applied, if there is no backup of that name
     */
    static RetentionPolicy keepFrom(String name) {
        java.util.Objects.requireNonNull(name, "name");
        return backups -> {
            BackupInfo from = backups.stream().filter(b -> b.name().equals(name)).findFirst()
                    .orElseThrow(() -> new NotFoundException("No completed backup named '" + name + "' to keep from "
                            + "(HINT: BackupRepository.list() shows the names)"));
            Set<String> keep = new HashSet<>();
            backups.stream().filter(b -> NEWEST_LAST.compare(b, from) >= 0).forEach(b -> keep.add(b.name()));
            return keep;
        };
    }
}
