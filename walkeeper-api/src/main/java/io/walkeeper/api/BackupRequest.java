package io.walkeeper.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a base backup should be: full or automatic, permanent or not, its labels, checkpoint
 * mode and what a corrupt page does. Immutable; build one with {@link #full()} or
 * {@link #auto()} and the {@code with…} methods.
 *
 * @param forceFull take a full backup even where a delta would be allowed
 * @param permanent keep the backup regardless of retention
 * @param fastCheckpoint ask PostgreSQL for an immediate checkpoint at the start
 * @param labels user labels stored in the manifest
 * @param failOnCorruptPage fail the backup (and write no manifest) when a page's checksum is
 *     wrong; when {@code false} the backup completes and lists the pages
 */
public record BackupRequest(boolean forceFull, boolean permanent, boolean fastCheckpoint, Map<String, String> labels,
                            boolean failOnCorruptPage) {

    /** Makes the label map immutable. */
    public BackupRequest {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /**
     * A backup that is a delta where the policy allows one, else full.
     *
     * @return the request
     */
    public static BackupRequest auto() {
        return new BackupRequest(false, false, true, Map.of(), false);
    }

    /**
     * A full backup.
     *
     * @return the request
     */
    public static BackupRequest full() {
        return new BackupRequest(true, false, true, Map.of(), false);
    }

    /**
     * Returns a copy marked permanent (or not).
     *
     * @param value whether retention must keep the backup
     * @return the new request
     */
    public BackupRequest withPermanent(boolean value) {
        return new BackupRequest(forceFull, value, fastCheckpoint, labels, failOnCorruptPage);
    }

    /**
     * Returns a copy with the checkpoint mode set.
     *
     * @param value {@code true} for an immediate checkpoint, {@code false} for a spread one
     * @return the new request
     */
    public BackupRequest withFastCheckpoint(boolean value) {
        return new BackupRequest(forceFull, permanent, value, labels, failOnCorruptPage);
    }

    /**
     * Returns a copy that fails on a corrupt page (or only reports it).
     *
     * @param value {@code true} to fail the backup when a page checksum is wrong
     * @return the new request
     */
    public BackupRequest withFailOnCorruptPage(boolean value) {
        return new BackupRequest(forceFull, permanent, fastCheckpoint, labels, value);
    }

    /**
     * Returns a copy with one more label.
     *
     * @param key the label key
     * @param value the label value
     * @return the new request
     */
    public BackupRequest withLabel(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(labels);
        m.put(key, value);
        return new BackupRequest(forceFull, permanent, fastCheckpoint, m, failOnCorruptPage);
    }
}
