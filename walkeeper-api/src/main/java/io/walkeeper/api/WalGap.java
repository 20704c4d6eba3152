package io.walkeeper.api;

import java.util.Objects;

/**
 * A run of WAL segments missing from the archive between two archived ones on the same
 * timeline. Recovery cannot pass a gap: a restore whose WAL path crosses it stops there.
 *
 * @param firstMissing the first missing segment's name
 * @param lastMissing the last missing segment's name (equal to {@code firstMissing} for one)
 * @param count how many segments are missing
 */
public record WalGap(String firstMissing, String lastMissing, long count) {

    /** Checks the values. */
    public WalGap {
        Objects.requireNonNull(firstMissing, "firstMissing");
        Objects.requireNonNull(lastMissing, "lastMissing");
        if (count < 1) {
            throw new IllegalArgumentException("A gap holds at least one segment: " + count);
        }
    }
}
