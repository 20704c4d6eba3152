package io.walkeeper.core.backup;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.DeltaOrigin;

import java.time.Duration;

/**
 * Tuning of backups.
 *
 * @param partSizeThreshold start a new part once this many tar bytes are in the current one
 * @param concurrency parts written at once
 * @param walArchiveTimeout how long to wait for the backup's last WAL segment to reach the archive
 * @param deltaMaxSteps longest delta chain; 0 takes only full backups
 * @param deltaOrigin which backup a delta is taken against
 * @param leaseTimeout how long a running backup's lease lives without renewal: retention ignores
 *     (and reports) a lease older than this, taking its backup for dead
 */
public record BackupSettings(long partSizeThreshold, int concurrency, Duration walArchiveTimeout, int deltaMaxSteps,
                             DeltaOrigin deltaOrigin, Duration leaseTimeout) {
    /** Checks the values. */
    public BackupSettings {
        if (partSizeThreshold < 1 << 20) {
            throw new ConfigurationException("Part size threshold " + partSizeThreshold + " is below the minimum of 1 MiB");
        }
        if (concurrency < 1) {
            throw new ConfigurationException("Backup concurrency must be at least 1, not " + concurrency);
        }
        if (leaseTimeout.compareTo(Duration.ofSeconds(4)) < 0) {
            throw new ConfigurationException("Backup lease timeout " + leaseTimeout + " is below the minimum of 4 s");
        }
    }
}
