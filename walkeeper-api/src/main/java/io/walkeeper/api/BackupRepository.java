package io.walkeeper.api;

import java.util.List;
import java.util.Optional;

/**
 * Takes base backups and lists the ones that completed. A backup becomes visible only once its
 * manifest is written, which is the last step; an interrupted backup never appears here.
 * Implementations are thread-safe.
 */
public interface BackupRepository {

    /**
     * Takes a base backup of the configured PostgreSQL cluster.
     *
     * @param request full or automatic, labels, permanence
     * @return what was stored
     * @throws InvalidRequestException if the configured data directory is not the server's
     * @throws PostgresException if PostgreSQL refuses the backup
     * @throws StorageException if the repository cannot be written
     */
    default BackupInfo push(BackupRequest request) {
        return push(request, ProgressListener.NONE);
    }

    /**
     * Takes a base backup as {@link #push(BackupRequest)} does, reporting how far it has got.
     *
     * @param request what kind of backup
     * @param listener receives {@link Progress} events while files are copied and once at the end
     * @return the completed backup
     */
    BackupInfo push(BackupRequest request, ProgressListener listener);

    /**
     * Lists completed backups, oldest first.
     *
     * @return the backups whose manifest could be read
     */
    List<BackupInfo> list();

    /**
     * Finds a backup by name.
     *
     * @param name the backup name
     * @return the backup, or empty if the repository has no completed backup of that name
     * @throws IntegrityException if its manifest exists but cannot be read
     */
    Optional<BackupInfo> find(String name);

    /**
     * Chooses one backup.
     *
     * @param selector latest, by name, or the newest before a recovery target
     * @return the backup
     * @throws NotFoundException if nothing matches
     */
    BackupInfo select(BackupSelector selector);

    /**
     * Deletes the backups a retention policy does not keep, and the archived WAL older than the
     * oldest backup kept. Permanent backups, every backup a kept delta is built on, and the newest
     * backup with its chain are always kept. A backup's manifest is deleted before its parts, and
     * a delta before its parent, so an interrupted run never leaves a listed backup that cannot
     * be restored; WAL history files are never deleted.
     *
     * @param policy what to keep
     * @param dryRun {@code true} to only report what would be deleted
     * @return what was (or would be) deleted and kept
     * @throws StorageException if the repository cannot be listed or an object cannot be deleted;
     *     what was deleted before the failure stays deleted, and running again finishes the job
     */
    RetentionResult applyRetention(RetentionPolicy policy, boolean dryRun);

    /**
     * Applies a retention policy as {@link #applyRetention(RetentionPolicy, boolean)} does, reporting
     * the deletion's progress. This default ignores the listener.
     *
     * @param policy what to keep
     * @param dryRun {@code true} to only report what would be deleted (then no event is sent)
     * @param listener receives {@link DeletionProgress} events with operation {@code retention}
     * @return what was (or would be) deleted and kept
     */
    default RetentionResult applyRetention(RetentionPolicy policy, boolean dryRun, DeletionListener listener) {
        return applyRetention(policy, dryRun);
    }

    /**
     * Deletes every backup and every archived WAL object (history files too), manifests first;
     * the repository itself (its descriptor) stays, so the cluster can archive and back up into
     * it again. Refused while a backup is running, and while permanent backups exist unless
     * {@code force}.
     *
     * @param force {@code true} to delete permanent backups too
     * @param dryRun {@code true} to only report what would be deleted
     * @return what was (or would be) deleted; nothing is kept
     * @throws ConflictException if a backup is running, or permanent backups exist without {@code force}
     * @throws StorageException if the repository cannot be listed or an object cannot be deleted
     */
    RetentionResult deleteEverything(boolean force, boolean dryRun);

    /**
     * Deletes everything as {@link #deleteEverything(boolean, boolean)} does, reporting the
     * deletion's progress. This default ignores the listener.
     *
     * @param force {@code true} to delete permanent backups too
     * @param dryRun {@code true} to only report what would be deleted (then no event is sent)
     * @param listener receives {@link DeletionProgress} events with operation {@code everything}
     * @return what was (or would be) deleted
     */
    default RetentionResult deleteEverything(boolean force, boolean dryRun, DeletionListener listener) {
        return deleteEverything(force, dryRun);
    }

    /**
     * Deletes what no backup needs and nothing lists: the objects of backups that never got a
     * manifest and whose run is over (no live lease, and nothing of theirs written within the
     * lease timeout), archived WAL older than the oldest backup's start (as retention would,
     * keeping every backup), and what interrupted writes left in the store (see
     * {@link io.walkeeper.spi.BlobStore#removeAbandonedWrites}). With no backup at all, no WAL is
     * deleted.
     *
     * @param dryRun {@code true} to only report what would be deleted
     * @return what was (or would be) deleted
     * @throws IntegrityException if a manifest cannot be read (what it needs cannot be told)
     * @throws StorageException if the repository cannot be listed or an object cannot be deleted
     */
    GarbageResult collectGarbage(boolean dryRun);

    /**
     * Collects garbage as {@link #collectGarbage(boolean)} does, reporting the deletion's progress.
     * This default ignores the listener.
     *
     * @param dryRun {@code true} to only report what would be deleted (then no event is sent)
     * @param listener receives {@link DeletionProgress} events with operation {@code garbage}
     * @return what was (or would be) deleted
     */
    default GarbageResult collectGarbage(boolean dryRun, DeletionListener listener) {
        return collectGarbage(dryRun);
    }

    /**
     * Makes a backup permanent, so that retention never deletes it, or ordinary again. Marking a
     * delta permanent marks every backup it is built on too; un-marking is refused while a
     * permanent delta is built on the backup. Only the backup's permanence changes: its manifest
     * and parts are not rewritten.
     *
     * @param name the backup name
     * @param permanent {@code true} to keep it whatever the policy, {@code false} to let retention
     *     decide
     * @return the backups whose permanence changed, with their new permanence (empty when
     *     nothing changed)
     * @throws NotFoundException if there is no completed backup of that name
     * @throws ConflictException when un-marking a backup a permanent delta needs
     */
    List<BackupInfo> mark(String name, boolean permanent);
}
