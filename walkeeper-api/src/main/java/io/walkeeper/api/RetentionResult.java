package io.walkeeper.api;

import java.util.List;
import java.util.Optional;

/**
 * What applying a {@link RetentionPolicy} removed, or would remove in a dry run.
 *
 * @param dryRun whether nothing was deleted (the result says what would have been)
 * @param kept the backups kept, oldest first
 * @param deleted the backups removed (or to be removed), newest first: a delta always goes
 *     before the backup it is built on
 * @param oldestWalSegmentKept the start segment of the oldest kept backup: archived WAL before it
 *     is removed; {@code null} when no backup is kept, and then no WAL is removed
 * @param walObjectsDeleted how many archived WAL objects were (or would be) removed
 * @param runningBackups backups running while retention ran: the WAL from their start and the
 *     parents they are built on were kept
 * @param expiredLeases running backups whose lease was not renewed within the lease timeout: taken
 *     for dead and ignored (reported so that an operator can look)
 */
public record RetentionResult(boolean dryRun, List<BackupInfo> kept, List<BackupInfo> deleted,
        String oldestWalSegmentKept, int walObjectsDeleted, List<String> runningBackups, List<String> expiredLeases) {

    /** Makes the lists immutable. */
    public RetentionResult {
        kept = List.copyOf(kept);
        deleted = List.copyOf(deleted);
        runningBackups = List.copyOf(runningBackups);
        expiredLeases = List.copyOf(expiredLeases);
    }

    /**
     * A result with no running backups.
     *
     * @param dryRun whether nothing was deleted
     * @param kept the backups kept
     * @param deleted the backups removed
     * @param oldestWalSegmentKept the start segment of the oldest kept backup, or {@code null}
     * @param walObjectsDeleted how many archived WAL objects were removed
     */
    public RetentionResult(boolean dryRun, List<BackupInfo> kept, List<BackupInfo> deleted, String oldestWalSegmentKept,
                           int walObjectsDeleted) {
        this(dryRun, kept, deleted, oldestWalSegmentKept, walObjectsDeleted, List.of(), List.of());
    }

    /**
     * Returns the start segment of the oldest kept backup.
     *
     * @return the segment, empty when no backup is kept
     */
    public Optional<String> walKeptFrom() {
        return Optional.ofNullable(oldestWalSegmentKept);
    }
}
