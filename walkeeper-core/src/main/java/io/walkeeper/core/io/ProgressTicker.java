package io.walkeeper.core.io;

import io.walkeeper.api.Progress;
import io.walkeeper.api.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Samples a run's counters once a second on a daemon thread and passes them to a
 * {@link ProgressListener}; {@link #finish()} sends the last event, with the totals corrected to
 * what was done. Counts never go down between events. A listener that throws is logged once and
 * otherwise ignored.
 */
public final class ProgressTicker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressTicker.class);

    private final String operation;
    private final String subject;
    private final ProgressListener listener;
    private final LongSupplier bytes;
    private final LongSupplier files;
    private final long bytesTotal;
    private final long filesTotal;
    private final long started = System.nanoTime();
    private final ScheduledExecutorService timer;
    private long lastBytes;
    private long lastFiles;
    private boolean warned;
    private boolean done;

    /**
     * Starts ticking.
     *
     * @param operation {@code backup} or {@code restore}
     * @param subject the backup's name
     * @param listener where events go ({@link ProgressListener#NONE} starts no thread)
     * @param bytes bytes done so far
     * @param bytesTotal bytes expected
     * @param files files done so far
     * @param filesTotal files expected
     */
    public ProgressTicker(String operation, String subject, ProgressListener listener, LongSupplier bytes, long bytesTotal,
                          LongSupplier files, long filesTotal) {
        this.operation = operation;
        this.subject = subject;
        this.listener = listener == null ? ProgressListener.NONE : listener;
        this.bytes = bytes;
        this.files = files;
        this.bytesTotal = bytesTotal;
        this.filesTotal = filesTotal;
        if (this.listener == ProgressListener.NONE) {
            timer = null;
        } else {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "walkeeper-progress");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.SECONDS);
        }
    }

    private synchronized void tick() {
        if (done) {
            return;
        }
        lastBytes = Math.max(lastBytes, bytes.getAsLong());
        lastFiles = Math.max(lastFiles, files.getAsLong());
        send(new Progress(operation, subject, false, lastBytes, Math.max(bytesTotal, lastBytes), lastFiles,
                Math.max(filesTotal, lastFiles), Duration.ofNanos(System.nanoTime() - started)));
    }

    /** Stops ticking and sends the last event: done equals total. */
    public synchronized void finish() {
        close();
        done = true;
        lastBytes = Math.max(lastBytes, bytes.getAsLong());
        lastFiles = Math.max(lastFiles, files.getAsLong());
        send(new Progress(operation, subject, true, lastBytes, lastBytes, lastFiles, lastFiles,
                Duration.ofNanos(System.nanoTime() - started)));
    }

    private void send(Progress p) {
        if (listener == ProgressListener.NONE) {
            return;
        }
        try {
            listener.onProgress(p);
        } catch (RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warn("The progress listener failed; the {} goes on: {}", operation, e.toString());
            }
        }
    }

    /** Stops ticking without a last event (a failed run). Idempotent. */
    @Override
    public synchronized void close() {
        done = true;
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
