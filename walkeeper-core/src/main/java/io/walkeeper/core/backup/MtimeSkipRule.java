package io.walkeeper.core.backup;

import io.walkeeper.core.repo.FileEntry;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides whether a delta may record a relation file (main or init fork) as unchanged without
 * opening it: its size and modification time are those the parent recorded, and that time is
 * older than the parent's start by {@link #MARGIN}.
 *
 * <p>Why this is safe: PostgreSQL changes a relation file only through {@code write},
 * {@code ftruncate} or {@code fallocate}, and each sets the modification time to the time of
 * the change. The parent recorded the time when its walk, which came after its start, saw the
 * file; if the file was last changed more than {@link #MARGIN} before that start, any later
 * change carries a later time, however coarse the file system's timestamps. So an unchanged time
 * means that the file holds the bytes the parent read, and a page scan would store none of them
 * (pages written after the parent's start LSN are already in the chain as the parent read them).
 * Dirty pages still in shared buffers are flushed by this backup's start checkpoint, which moves
 * the time of any file they belong to; pages written after this backup's start are restored by
 * WAL replay from it. The parent's entry may itself be unchanged from its own parent: it records
 * the time its walk saw, and the argument repeats along the chain.
 *
 * <p>What the rule cannot see: a file replaced by one of the same size with its old modification
 * time by a tool ({@code cp -p}, {@code rsync -a} into a stopped cluster). A full backup is the
 * remedy after such a change, as with pgBackRest without {@code --delta}.
 */
final class MtimeSkipRule {
    /**
     * How much older than the parent's start the modification time must be. Larger than any
     * timestamp granularity a data directory meets (nanoseconds on ext4, XFS, btrfs and ZFS, one
     * second on ext3, HFS+ and some NFS servers, two on FAT), with seconds to spare for the clock
     * of a file server that runs behind the host taking the backup.
     */
    static final Duration MARGIN = Duration.ofSeconds(5);

    /** The outcome, and why a file must be read. */
    enum Verdict {
        /** Recorded as unchanged without reading it. */
        SKIP_UNREAD,
        /** The parent chain does not hold the file (new, or a directory then). */
        NOT_IN_PARENT,
        /** Its size differs from the parent's (grown, shrunk or truncated). */
        SIZE_CHANGED,
        /** Its modification time differs from the parent's. */
        MTIME_CHANGED,
        /** Its modification time is after this backup's start: the clock was stepped back or the file was touched. */
        MTIME_IN_FUTURE,
        /** The parent started at or after this backup's start: the clock was stepped back. */
        PARENT_NOT_EARLIER,
        /** Modified within {@link #MARGIN} of the parent's start or after it: a later change might keep the time. */
        TOO_CLOSE_TO_PARENT_START
    }

    private MtimeSkipRule() {
    }

    /**
     * Judges one relation file of a delta.
     *
     * @param file the file as this backup's walk found it
     * @param parent the parent's entry for its path, or {@code null}
     * @param parentStart when the parent backup started (its manifest's start time)
     * @param backupStart when this backup started
     * @return {@link Verdict#SKIP_UNREAD} when the file need not be read, else why it must be
     */
    static Verdict judge(SourceFile file, FileEntry parent, Instant parentStart, Instant backupStart) {
        if (parent == null || parent.isDirectory() || parent.mtime() == null || parentStart == null) {
            return Verdict.NOT_IN_PARENT;
        }
        if (file.size() != parent.size()) {
            return Verdict.SIZE_CHANGED;
        }
        if (!file.mtime().equals(parent.mtime())) {
            return Verdict.MTIME_CHANGED;
        }
        if (file.mtime().isAfter(backupStart)) {
            return Verdict.MTIME_IN_FUTURE;
        }
        if (!parentStart.isBefore(backupStart)) {
            return Verdict.PARENT_NOT_EARLIER;
        }
        if (!file.mtime().isBefore(parentStart.minus(MARGIN))) {
            return Verdict.TOO_CLOSE_TO_PARENT_START;
        }
        return Verdict.SKIP_UNREAD;
    }
}
