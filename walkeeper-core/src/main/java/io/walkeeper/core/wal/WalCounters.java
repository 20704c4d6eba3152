package io.walkeeper.core.wal;

import io.walkeeper.api.WalProgress;
import io.walkeeper.api.WalProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An archiver's running totals per operation, passed to a {@link WalProgressListener} after each
 * file: counted and sent under one lock, so that the listener sees each operation's counts grow by
 * one file at a time even when prefetch threads finish together. A listener that throws is logged
 * once and otherwise ignored.
 */
final class WalCounters {
    private static final Logger LOG = LoggerFactory.getLogger(WalCounters.class);

    private final WalProgressListener listener;
    private final long[] files = new long[WalProgress.Operation.values().length];
    private final long[] bytes = new long[files.length];
    private boolean warned;

    WalCounters(WalProgressListener listener) {
        this.listener = listener == null ? WalProgressListener.NONE : listener;
    }

    /**
     * Counts one file handled and tells the listener.
     *
     * @param operation what was done
     * @param walFileName the file's name
     * @param size its plaintext size
     */
    synchronized void count(WalProgress.Operation operation, String walFileName, long size) {
        if (listener == WalProgressListener.NONE) {
            return;
        }
        int i = operation.ordinal();
        files[i]++;
        bytes[i] += size;
        try {
            listener.onProgress(new WalProgress(operation, walFileName, size, files[i], bytes[i]));
        } catch (RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warn("The WAL progress listener failed; archiving and fetching go on: {}", e.toString());
            }
        }
    }
}
