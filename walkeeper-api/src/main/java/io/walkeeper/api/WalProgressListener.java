package io.walkeeper.api;

/**
 * Receives a {@link WalProgress} event for each WAL file a {@link WalArchiver} archives, fetches or
 * prefetches, from the thread that did the work, right after it; set one when building the engine.
 * Events of one archiver are delivered one at a time. A listener must return quickly; an exception it
 * throws is logged and otherwise ignored, never failing the push or fetch.
 */
@FunctionalInterface
public interface WalProgressListener {
    /** A listener that ignores every event. */
    WalProgressListener NONE = progress -> { };

    /**
     * Receives one event.
     *
     * @param progress the file handled and the running totals
     */
    void onProgress(WalProgress progress);
}
