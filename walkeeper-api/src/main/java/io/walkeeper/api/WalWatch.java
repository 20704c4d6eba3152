package io.walkeeper.api;

/**
 * A running resident archiver, started by {@link WalArchiver#watch(java.nio.file.Path, WalWatchOptions)}:
 * it stores the segments PostgreSQL marks ready until closed. Closing it stops looking for new
 * segments and waits for the ones being stored; a segment whose storing is cut short gets no
 * marker, so PostgreSQL's {@code archive_command} stores it itself.
 */
public interface WalWatch extends AutoCloseable {

    /**
     * @return the segments stored (or found already stored) so far
     */
    long stored();

    /**
     * @return the attempts to store a segment that failed so far; each is retried later, and
     *     {@code archive_command} reports the failure if it persists
     */
    long failed();

    /** Stops watching and waits for the segments being stored. */
    @Override
    void close();
}
