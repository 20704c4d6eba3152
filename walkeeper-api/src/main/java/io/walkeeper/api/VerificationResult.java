package io.walkeeper.api;

import java.util.List;

/**
 * What {@link Restorer#verify} found: every stored part of a backup and of the backups it is
 * built on read back and checked against its manifest (size, SHA-256, decryption, decompression,
 * the archive entries it must hold), and the WAL that makes the backup consistent looked up in
 * the archive. Nothing is written.
 *
 * @param backup the backup verified
 * @param chain the backup and the backups it is built on, newest first
 * @param partsChecked how many stored parts were read
 * @param bytesChecked how many stored bytes were read
 * @param walSegmentsChecked how many WAL segments, from the backup's start to its stop segment,
 *     were looked up
 * @param problems what is wrong, one sentence each naming the object; empty when the backup is
 *     restorable
 */
public record VerificationResult(String backup, List<String> chain, int partsChecked, long bytesChecked,
        int walSegmentsChecked, List<String> problems) {

    /** Makes the lists immutable. */
    public VerificationResult {
        chain = List.copyOf(chain);
        problems = List.copyOf(problems);
    }

    /**
     * Tells whether nothing is wrong.
     *
     * @return {@code true} when every part checked out and the WAL is there
     */
    public boolean ok() {
        return problems.isEmpty();
    }
}
