package io.walkeeper.api;

import java.util.Map;

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
    default RestoreResult restore(RestoreRequest request) {
        return restore(request, ProgressListener.NONE);
    }

    /**
     * Restores as {@link #restore(RestoreRequest)} does, reporting how far it has got.
     *
     * @param request what to restore where
     * @param listener receives {@link Progress} events while files are written and once at the end
     * @return what was restored
     */
    RestoreResult restore(RestoreRequest request, ProgressListener listener);

    /**
     * Checks that a backup can be restored without restoring it: reads every stored part of the
     * backup and of each backup it is built on, checks it against the manifest (size and SHA-256
     * of the stored bytes, that it decrypts and decompresses, that it holds exactly the entries
     * the manifest lists, with their sizes), and looks up in the archive each WAL segment from the
     * backup's start to its stop segment; in an encrypted repository each manifest's signature is
     * checked, and a manifest without one is a problem. Problems with the backup are collected,
     * not thrown.
     *
     * @param selector which backup
     * @return what was checked and what is wrong
     * @throws NotFoundException if no backup matches the selector
     * @throws StorageException if the storage fails (which says nothing about the backup)
     */
    VerificationResult verify(BackupSelector selector);

    /**
     * As {@link #verify(BackupSelector)}; in an encrypted repository every manifest's signature
     * is checked too, and a manifest without one is a problem unless {@code acceptUnsignedManifests}.
     *
     * @param selector which backup
     * @param acceptUnsignedManifests do not report manifests without a signature
     * @return what was checked and what is wrong
     */
    default VerificationResult verify(BackupSelector selector, boolean acceptUnsignedManifests) {
        return verify(selector);
    }

    /**
     * Runs a restore drill: restores the selected backup into a new temporary directory, starts
     * PostgreSQL on it (archiving off, no streaming, reachable only through a socket in that
     * directory), waits for recovery to reach the target and for promotion, runs the checks, then
     * stops the server and removes the directory, whatever happened. A drill that fails says why
     * in its report; it throws only when it cannot start at all.
     *
     * @param request which backup, the recovery target, the binaries and the checks
     * @return what the drill measured and found
     * @throws NotFoundException if no backup matches the selector
     * @throws ConfigurationException if no PostgreSQL binaries of the backup's major version are found
     * @throws InvalidRequestException if this process is root and no OS account is given, or this
     *     restorer cannot run drills
     */
    default DrillReport drill(DrillRequest request) {
        throw new InvalidRequestException("Cannot run a restore drill: " + getClass().getName() + " does not run drills");
    }

    /**
     * Reads the last drill report stored for each backup (see {@link DrillRequest#keepReport()}).
     * A report that cannot be read is left out.
     *
     * @return backup name to its newest report; empty when none is stored
     * @throws StorageException if the storage fails
     */
    default Map<String, DrillReport> lastDrills() {
        return Map.of();
    }
}
