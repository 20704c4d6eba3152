package io.walkeeper.api;

/**
 * Restores a backup into a new data directory and configures recovery, so that starting
 * PostgreSQL there replays WAL from the archive up to the recovery target. Thread-safe.
 */
public interface Restorer {

    /**
     * Restores a backup. Every stored part is verified against the checksum in the manifest; on
     * any failure what was written is removed and the target directory is left as it was found.
     *
     * @param request which backup, where, and the recovery target
     * @return what was restored
     * @throws InvalidRequestException if the target directory is not empty
     * @throws NotFoundException if no backup matches the selector
     * @throws IntegrityException if a stored part is corrupt
     */
    RestoreResult restore(RestoreRequest request);
}
