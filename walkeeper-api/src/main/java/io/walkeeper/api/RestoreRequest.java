package io.walkeeper.api;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What to restore, where, and how recovery should proceed afterwards. Immutable; start with
 * {@link #of(BackupSelector, Path, String)} and refine with the {@code with…} methods. The
 * recovery target is given here once: with {@link BackupSelector#latest()} and a time or LSN
 * target, the restorer takes the newest backup that finished before the target.
 *
 * @param backup which backup to restore
 * @param targetDirectory the new data directory; must be absent or empty
 * @param recoveryTarget where recovery stops
 * @param standby write {@code standby.signal} instead of {@code recovery.signal}
 * @param restoreCommand the {@code restore_command} PostgreSQL runs to fetch WAL from the archive;
 *     {@link WalCommands#restoreCommand(Path, Path)} writes the one that runs walkeeper
 * @param tablespaceMapping tablespace OID (as text) to the directory to restore it into; tablespaces
 *     not listed are restored to their original location
 * @param acceptUnsignedManifests restore a backup whose manifest carries no signature although the
 *     repository is encrypted (taken before manifests were signed, or on a host without the
 *     private key); a signature that does not verify is refused whatever this says
 */
public record RestoreRequest(
        BackupSelector backup,
        Path targetDirectory,
        RecoveryTarget recoveryTarget,
        boolean standby,
        String restoreCommand,
        Map<String, Path> tablespaceMapping,
        boolean acceptUnsignedManifests) {

    /** Checks and copies the fields. */
    public RestoreRequest {
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(targetDirectory, "targetDirectory");
        if (restoreCommand == null || restoreCommand.isBlank()) {
            throw new InvalidRequestException("A restore needs a restore_command, which the recovered server runs to "
                    + "fetch WAL from the archive (HINT: WalCommands.restoreCommand(launcher, configFile) writes the one "
                    + "that runs walkeeper's wal-fetch)");
        }
        if (restoreCommand.indexOf('\n') >= 0 || restoreCommand.indexOf('\r') >= 0) {
            throw new InvalidRequestException("A restore_command must be one line: " + restoreCommand.strip());
        }
        recoveryTarget = recoveryTarget == null ? RecoveryTarget.latest() : recoveryTarget;
        tablespaceMapping = tablespaceMapping == null ? Map.of() : Map.copyOf(tablespaceMapping);
    }

    /**
     * A restore of the selected backup into {@code targetDirectory}, recovering to the end of the
     * archived WAL.
     *
     * @param backup which backup
     * @param targetDirectory the new data directory
     * @param restoreCommand the {@code restore_command} the recovered server runs, with
     *     PostgreSQL's {@code %f} and {@code %p} placeholders; see {@link WalCommands}
     * @return the request
     * @throws InvalidRequestException if the restore command is blank or not one line
     */
    public static RestoreRequest of(BackupSelector backup, Path targetDirectory, String restoreCommand) {
        return new RestoreRequest(backup, targetDirectory, RecoveryTarget.latest(), false, restoreCommand, Map.of(), false);
    }

    /**
     * Returns a copy with a recovery target.
     *
     * @param target where recovery stops
     * @return the new request
     */
    public RestoreRequest target(RecoveryTarget target) {
        return new RestoreRequest(backup, targetDirectory, target, standby, restoreCommand, tablespaceMapping,
                acceptUnsignedManifests);
    }

    /**
     * Returns a copy that starts the restored cluster as a standby (or not).
     *
     * @param value {@code true} to write {@code standby.signal}
     * @return the new request
     */
    public RestoreRequest withStandby(boolean value) {
        return new RestoreRequest(backup, targetDirectory, recoveryTarget, value, restoreCommand, tablespaceMapping,
                acceptUnsignedManifests);
    }

    /**
     * Returns a copy with the {@code restore_command} to write.
     *
     * @param command the command, with PostgreSQL's {@code %f} and {@code %p} placeholders
     * @return the new request
     */
    public RestoreRequest withRestoreCommand(String command) {
        return new RestoreRequest(backup, targetDirectory, recoveryTarget, standby, command, tablespaceMapping,
                acceptUnsignedManifests);
    }

    /**
     * Returns a copy that restores one tablespace into another directory.
     *
     * @param oid the tablespace OID as listed in {@code tablespace_map}
     * @param directory where to restore it
     * @return the new request
     */
    public RestoreRequest withTablespace(String oid, Path directory) {
        Map<String, Path> m = new LinkedHashMap<>(tablespaceMapping);
        m.put(oid, directory);
        return new RestoreRequest(backup, targetDirectory, recoveryTarget, standby, restoreCommand, m,
                acceptUnsignedManifests);
    }

    /**
     * Returns a copy that accepts (or refuses) manifests without a signature in an encrypted
     * repository.
     *
     * @param value {@code true} to accept them, with a warning
     * @return the new request
     */
    public RestoreRequest withUnsignedManifestsAccepted(boolean value) {
        return new RestoreRequest(backup, targetDirectory, recoveryTarget, standby, restoreCommand, tablespaceMapping, value);
    }
}
