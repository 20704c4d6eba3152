package io.walkeeper.core.storage;

import java.io.InterruptedIOException;

/**
 * A token bucket of bytes: at most {@code bytesPerSecond} on average, bursts of one second.
 * Shared by every stream of one store.
 */
final class RateLimiter {
    private final long bytesPerSecond;
    private double tokens;
    private long last = System.nanoTime();

    RateLimiter(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.tokens = bytesPerSecond;
    }

    /** Blocks until {@code n} bytes may pass. */
    void acquire(long n) throws InterruptedIOException {
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(bytesPerSecond, tokens + (now - last) * bytesPerSecond / 1e9);
            last = now;
            tokens -= n;
            wait = tokens >= 0 ? 0 : (long) (-tokens * 1e9 / bytesPerSecond);
        }
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while rate-limited");
            }
        }
    }
}
