package io.walkeeper.api;

import java.util.List;

/**
 * What {@link BackupRepository#collectGarbage(boolean)} removed, or would remove in a dry run.
 *
 * @param dryRun whether nothing was deleted
 * @param abandonedBackups names of backups that never got a manifest and whose run is over (no
 *     lease, or a lease not renewed within the lease timeout), whose objects were removed
 * @param backupObjectsDeleted how many objects of those backups (parts, lease, signature, mark)
 * @param drillReportsDeleted how many restore drill reports of backups that no longer exist
 * @param walObjectsDeleted how many archived WAL objects older than the oldest backup's start
 * @param abandonedWrites how many leftovers of interrupted writes the store removed (temporary
 *     files, incomplete uploads)
 */
public record GarbageResult(boolean dryRun, List<String> abandonedBackups, int backupObjectsDeleted,
        int drillReportsDeleted, int walObjectsDeleted, long abandonedWrites) {

    /** Makes the list immutable. */
    public GarbageResult {
        abandonedBackups = List.copyOf(abandonedBackups);
    }
}
