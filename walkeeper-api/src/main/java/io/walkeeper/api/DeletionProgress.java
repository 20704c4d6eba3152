package io.walkeeper.api;

/**
 * How far a deletion has got: retention ({@link BackupRepository#applyRetention(RetentionPolicy, boolean,
 * DeletionListener)}), {@code delete everything} or {@code delete garbage}, as a {@link DeletionListener}
 * receives it. Done counts only grow from one event to the next and never pass the totals. The totals are
 * what the run expects when it starts deleting; the objects of a backup are counted when that backup is
 * listed, just before it is deleted, so {@code objectsTotal} may grow on the way. In the last event of a
 * run that succeeded, done equals total.
 *
 * @param operation {@code retention}, {@code everything} or {@code garbage}
 * @param phase what is being deleted: {@code backups} (a backup's manifest, then its other objects, one
 *     backup at a time, a delta before its parent), {@code wal} (archived WAL objects, in batches) or
 *     {@code writes} (leftovers of interrupted writes, {@code garbage} only)
 * @param finished whether this is the last event of a run that succeeded
 * @param backupsDone backups deleted so far
 * @param backupsTotal backups to delete
 * @param objectsDone objects deleted so far (manifests, parts, WAL objects)
 * @param objectsTotal objects to delete, as far as known
 */
public record DeletionProgress(String operation, String phase, boolean finished, int backupsDone, int backupsTotal,
        long objectsDone, long objectsTotal) {
}
