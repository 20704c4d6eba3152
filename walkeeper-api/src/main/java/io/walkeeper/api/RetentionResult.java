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
 */
public record RetentionResult(boolean dryRun, List<BackupInfo> kept, List<BackupInfo> deleted,
        String oldestWalSegmentKept, int walObjectsDeleted) {

    /** Makes the lists immutable. */
    public RetentionResult {
        kept = List.copyOf(kept);
        deleted = List.copyOf(deleted);
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
