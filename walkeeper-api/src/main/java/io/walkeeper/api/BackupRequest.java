package io.walkeeper.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a base backup should be: full or automatic, permanent or not, its labels and checkpoint
 * mode. Immutable; build one with {@link #full()} or {@link #auto()} and the {@code with…}
 * methods.
 *
 * @param forceFull take a full backup even where a delta would be allowed
 * @param permanent keep the backup regardless of retention
 * @param fastCheckpoint ask PostgreSQL for an immediate checkpoint at the start
 * @param labels user labels stored in the manifest
 */
public record BackupRequest(boolean forceFull, boolean permanent, boolean fastCheckpoint, Map<String, String> labels) {

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
        return new BackupRequest(false, false, true, Map.of());
    }

    /**
     * A full backup.
     *
     * @return the request
     */
    public static BackupRequest full() {
        return new BackupRequest(true, false, true, Map.of());
    }

    /**
     * Returns a copy marked permanent (or not).
     *
     * @param value whether retention must keep the backup
     * @return the new request
     */
    public BackupRequest withPermanent(boolean value) {
        return new BackupRequest(forceFull, value, fastCheckpoint, labels);
    }

    /**
     * Returns a copy with the checkpoint mode set.
     *
     * @param value {@code true} for an immediate checkpoint, {@code false} for a spread one
     * @return the new request
     */
    public BackupRequest withFastCheckpoint(boolean value) {
        return new BackupRequest(forceFull, permanent, value, labels);
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
        return new BackupRequest(forceFull, permanent, fastCheckpoint, m);
    }
}
