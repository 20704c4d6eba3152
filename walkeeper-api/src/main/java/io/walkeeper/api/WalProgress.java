package io.walkeeper.api;

/**
 * One WAL file a {@link WalArchiver} archived, fetched or prefetched, with that archiver's running
 * totals for the same operation since it was created: what a control plane exports as counters. For
 * one archiver and one operation, {@code filesDone} grows by one from each event to the next and
 * {@code bytesDone} by {@code bytes}, whatever the threads. Only work done counts: a push of a file
 * the archive already holds, a fetch of a file it lacks and a failure send no event.
 *
 * @param operation what was done
 * @param walFileName the WAL file's name, e.g. {@code 000000010000000000000003} or {@code 00000002.history}
 * @param bytes the file's size (its plaintext, as PostgreSQL has it)
 * @param filesDone files this archiver handled in this operation so far, this one included
 * @param bytesDone their bytes
 */
public record WalProgress(Operation operation, String walFileName, long bytes, long filesDone, long bytesDone) {

    /** What an archiver did with a WAL file. */
    public enum Operation {
        /** Stored in the archive ({@link WalArchiver#push}). */
        PUSH,
        /** Fetched into the path PostgreSQL asked for ({@link WalArchiver#fetch}). */
        FETCH,
        /** Downloaded and verified into the prefetch spool ({@link WalArchiver#prefetch}). */
        PREFETCH
    }
}
