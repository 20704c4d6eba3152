package io.walkeeper.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What a restore laid down.
 *
 * @param backup the backup restored
 * @param targetDirectory the data directory written
 * @param files number of files written
 * @param bytes bytes of data written
 * @param elapsed time taken
 * @param recoverySettings the recovery settings written to {@code postgresql.auto.conf}
 */
public record RestoreResult(BackupInfo backup, Path targetDirectory, long files, long bytes, Duration elapsed,
                            Map<String, String> recoverySettings) {
    /** Copies the settings. */
    public RestoreResult {
        recoverySettings = Map.copyOf(recoverySettings);
    }
}
