package io.walkeeper.core.io;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/** Thread pools for parallel part uploads and downloads. */
public final class Workers {
    private static final Logger LOG = LoggerFactory.getLogger(Workers.class);

    private Workers() {
    }

    /**
     * Returns a factory of daemon threads with a name.
     *
     * @param name the threads' name
     * @return the factory
     */
    public static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Interrupts the workers and waits until none is running any more, so that cleanup after a
     * failure sees everything they wrote. Keeps the caller's interrupt status.
     *
     * @param pool the pool
     */
    public static void stopAndWait(ExecutorService pool) {
        pool.shutdownNow();
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
                LOG.warn("Still waiting for worker threads to stop");
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
