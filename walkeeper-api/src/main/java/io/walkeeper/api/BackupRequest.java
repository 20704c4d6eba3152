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

    /** The most labels a backup carries. */
    public static final int MAX_LABELS = 64;
    private static final java.util.regex.Pattern LABEL_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /**
     * Checks the labels and makes the map immutable: at most {@value #MAX_LABELS}, keys of
     * letters, digits, {@code _ . -} (up to 64, starting with a letter or digit), values up to
     * 1024 characters without control characters.
     *
     * @throws InvalidRequestException naming the label that is not accepted
     */
    public BackupRequest {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        if (labels.size() > MAX_LABELS) {
            throw new InvalidRequestException("A backup carries at most " + MAX_LABELS + " labels, not " + labels.size());
        }
        labels.forEach((k, v) -> {
            if (!LABEL_KEY.matcher(k).matches()) {
                throw new InvalidRequestException("Label key '" + k + "' is not accepted: use up to 64 letters, digits, "
                        + "'_', '.' or '-', starting with a letter or digit");
            }
            if (v.length() > 1024 || v.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidRequestException("The value of label " + k + " is not accepted: up to 1024 characters, "
                        + "no control characters");
            }
        });
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
