package io.walkeeper.core.io;

import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
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

    /**
     * Waits for one worker's result. A {@link WalKeeperException} thrown by the worker is thrown
     * as it is; anything else becomes a {@link StorageException} saying what failed.
     *
     * @param future the worker's future
     * @param what what the worker did, for messages ("Reading a backup part")
     * @param onInterrupt what an interrupt means for the caller ("no manifest was written")
     * @param <T> the result type
     * @return the result
     */
    public static <T> T await(Future<T> future, String what, String onInterrupt) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WalKeeperException(ErrorCode.INTERRUPTED, what + " was interrupted; " + onInterrupt, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof WalKeeperException w) {
                throw w;
            }
            throw new StorageException(what + " failed: " + c, c);
        }
    }
}
