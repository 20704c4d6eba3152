package io.walkeeper.core.storage;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.BlobWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The one place where storage calls are retried, for every provider. A call that fails with a
 * {@linkplain StorageException#isRetryable() retryable} {@link StorageException} (throttling,
 * 5xx, connection reset, timeout) is tried again after a capped exponential backoff with jitter,
 * until it succeeds or the attempts are used up; the final error says
 * how many attempts were made. Any other error (not found, already exists, access denied, missing
 * bucket) is thrown at once.
 *
 * <p>An attempt that makes no progress (moves no byte) for the call timeout is abandoned and
 * retried; an upload on a slow link runs as long as bytes move. A read that fails part-way is resumed with a
 * ranged read from where it stopped. A create whose first attempt may have landed although it
 * reported failure (a lost response) and whose retry then finds the key taken is accepted if the
 * stored object has exactly the bytes the writer produces, and refused otherwise.
 *
 * <p>Over 300 lines on purpose: retries, progress deadlines, resumed reads and lost-response
 * creates share one attempt loop, and splitting them would spread the retry rules again.
 */
public final class RetryingBlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingBlobStore.class);

    private final BlobStore delegate;
    private final StorageOptions options;
    private final boolean ownsDelegate;
    private final ExecutorService calls;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RetryingBlobStore(BlobStore delegate, StorageOptions options, boolean ownsDelegate) {
        this.delegate = delegate;
        this.options = options;
        this.ownsDelegate = ownsDelegate;
        AtomicInteger n = new AtomicInteger();
        this.calls = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "walkeeper-storage-call-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Wraps a provider's store with the limits and retries of {@code options}.
     *
     * @param store the provider's store
     * @param options retry and limit settings
     * @param ownsStore whether closing the wrapper closes {@code store}
     * @return the wrapped store
     */
    public static BlobStore wrap(BlobStore store, StorageOptions options, boolean ownsStore) {
        BlobStore inner = LimitedBlobStore.needed(options) ? new LimitedBlobStore(store, options) : store;
        return new RetryingBlobStore(inner, options, ownsStore);
    }

    @Override
    public URI location() {
        return delegate.location();
    }

    @Override
    public InputStream get(String key) {
        return get(key, 0);
    }

    @Override
    public InputStream get(String key, long offset) {
        InputStream first = call("read", key, () -> offset == 0 ? delegate.get(key) : delegate.get(key, offset));
        return new ResumingInputStream(key, first, offset);
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        return call("look-up", key, () -> delegate.head(key));
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        return call("listing", prefix, () -> delegate.list(prefix));
    }

    @Override
    public void create(String key, BlobWriter writer) {
        create(key, Map.of(), writer);
    }

    @Override
    public void create(String key, Map<String, String> metadata, BlobWriter writer) {
        AtomicInteger attempt = new AtomicInteger();
        call("create", key, progress -> {
            try {
                delegate.create(key, metadata, progress.counting(writer));
            } catch (AlreadyExistsException e) {
                if (attempt.get() > 1 && sameContent(key, writer)) {
                    LOG.info("'{}' was stored by an earlier attempt whose success was not reported; keeping it", key);
                    return null;
                }
                throw e;
            }
            return null;
        }, attempt);
    }

    @Override
    public void put(String key, BlobWriter writer) {
        call("write", key, progress -> {
            delegate.put(key, progress.counting(writer));
            return null;
        });
    }

    @Override
    public void delete(Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        call("delete", keys.size() == 1 ? keys.iterator().next() : keys.size() + " keys", () -> {
            delegate.delete(keys);
            return null;
        });
    }

    @Override
    public long removeAbandonedWrites(java.time.Instant olderThan, boolean dryRun) {
        return call("remove abandoned writes", "", () -> delegate.removeAbandonedWrites(olderThan, dryRun));
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            calls.shutdownNow();
            if (ownsDelegate) {
                delegate.close();
            }
        }
    }

    private boolean sameContent(String key, BlobWriter writer) throws IOException {
        byte[] wanted;
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            writer.writeTo(new DigestOutputStream(OutputStream.nullOutputStream(), md));
            wanted = md.digest();
            MessageDigest stored = MessageDigest.getInstance("SHA-256");
            try (InputStream in = delegate.get(key)) {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf)) > 0; ) {
                    stored.update(buf, 0, n);
                }
            }
            return Arrays.equals(wanted, stored.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T call(String what, String key, Callable<T> op) {
        return call(what, key, progress -> op.call(), new AtomicInteger());
    }

    private <T> T call(String what, String key, Attempt<T> op) {
        return call(what, key, op, new AtomicInteger());
    }

    /** One attempt of a call, told of the progress it makes (bytes written) so that only a stalled attempt is abandoned. */
    @FunctionalInterface
    private interface Attempt<T> {
        T run(Progress progress) throws Exception;
    }

    /** When an attempt last moved a byte. */
    private static final class Progress {
        final AtomicLong last = new AtomicLong(System.nanoTime());

        BlobWriter counting(BlobWriter writer) {
            return out -> writer.writeTo(new FilterOutputStream(out) {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    last.set(System.nanoTime());
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    last.set(System.nanoTime());
                }
            });
        }
    }

    private <T> T call(String what, String key, Attempt<T> op, AtomicInteger attempt) {
        if (closed.get()) {
            throw new StorageException("Storage " + delegate.location() + " is closed", null);
        }
        long start = System.nanoTime();
        while (true) {
            int n = attempt.incrementAndGet();
            StorageException failure;
            try {
                return attempt(what, key, op);
            } catch (StorageException e) {
                if (!e.isRetryable()) {
                    throw e;
                }
                failure = e;
            }
            long backoff = backoff(n);
            if (n >= options.maxAttempts()) {
                throw exhausted(what, key, n, start, failure);
            }
            LOG.warn("Storage {} of '{}' in {} failed (attempt {} of {}): {}; retrying in {} ms", what, key,
                    delegate.location(), n, options.maxAttempts(), failure.getMessage(), backoff);
            sleep(backoff);
        }
    }

    /**
     * Runs one attempt on a worker thread and abandons it when it makes no progress (no byte
     * written) for the call timeout: a large upload on a slow link runs as long as bytes move.
     */
    private <T> T attempt(String what, String key, Attempt<T> op) {
        Future<T> f;
        Progress progress = new Progress();
        // a cancelled attempt is waited for, so that the caller may clean up what it wrote; one that
        // has not begun is claimed by the canceller and then never runs
        AtomicBoolean claimed = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        try {
            f = calls.submit(() -> {
                if (!claimed.compareAndSet(false, true)) {
                    return null;
                }
                try {
                    return op.run(progress);
                } finally {
                    finished.countDown();
                }
            });
        } catch (RejectedExecutionException e) {
            throw new StorageException("Storage " + delegate.location() + " is closed", e);
        }
        long timeout = options.callTimeout().toNanos();
        try {
            while (true) {
                long idle = System.nanoTime() - progress.last.get();
                if (idle >= timeout) {
                    f.cancel(true);
                    awaitQuietly(claimed, finished, 5);
                    throw new StorageException("Storage " + what + " of '" + key + "' in " + delegate.location()
                            + " made no progress for " + options.callTimeout().toSeconds() + " s (the deadline of a "
                            + "storage call without a byte moved)", null, true);
                }
                try {
                    return f.get(timeout - idle, TimeUnit.NANOSECONDS);
                } catch (TimeoutException stillRunning) {
                    // bytes may have moved meanwhile: look again
                }
            }
        } catch (InterruptedException e) {
            f.cancel(true);
            awaitQuietly(claimed, finished, 60);
            Thread.currentThread().interrupt();
            throw new WalKeeperException(ErrorCode.INTERRUPTED, "Interrupted during storage " + what + " of '" + key + "'", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new StorageException("Storage " + what + " of '" + key + "' in " + delegate.location() + " failed: " + c, c);
        }
    }

    private void awaitQuietly(AtomicBoolean claimed, CountDownLatch finished, int seconds) {
        if (claimed.compareAndSet(false, true)) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        try {
            if (!finished.await(seconds, TimeUnit.SECONDS)) {
                LOG.warn("A cancelled storage call to {} is still running after {} s", delegate.location(), seconds);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private StorageException exhausted(String what, String key, int attempts, long start, StorageException last) {
        long secs = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        return new StorageException(last.getMessage() + " (gave up after " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                + " in " + secs + " s; HINT: check the network and the storage service, or raise "
                + StorageOptions.MAX_ATTEMPTS + " / " + StorageOptions.CALL_TIMEOUT_SECONDS + ")", last, true);
    }

    /** Capped exponential backoff with "equal jitter": half fixed, half random. */
    private long backoff(int attempt) {
        long base = options.initialBackoff().toMillis();
        long cap = options.maxBackoff().toMillis();
        long exp = attempt >= 31 ? cap : Math.min(cap, base << (attempt - 1));
        long half = exp / 2;
        return half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WalKeeperException(ErrorCode.INTERRUPTED, "Interrupted while waiting to retry a storage call", e);
        }
    }

    /** Reads an object and, when the connection fails part-way, goes on with a ranged read from where it stopped. */
    private final class ResumingInputStream extends InputStream {
        private final String key;
        private InputStream in;
        private long position;
        private int failures;

        ResumingInputStream(String key, InputStream in, long offset) {
            this.key = key;
            this.in = in;
            this.position = offset;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                try {
                    int n = in.read(b, off, len);
                    if (n > 0) {
                        position += n;
                    }
                    return n;
                } catch (IOException | StorageException e) {
                    if (e instanceof StorageException s && !s.isRetryable()) {
                        throw s;
                    }
                    resume(e);
                }
            }
        }

        private void resume(Exception e) throws IOException {
            failures++;
            if (failures >= options.maxAttempts() || closed.get()) {
                throw new StorageReadException("reading '" + key + "' from " + delegate.location() + " failed at byte " + position
                        + " (gave up after " + failures + " attempt" + (failures == 1 ? "" : "s") + "): " + e.getMessage(), e);
            }
            LOG.warn("Reading '{}' from {} failed at byte {} ({}); resuming (attempt {} of {})", key, delegate.location(),
                    position, e.getMessage(), failures + 1, options.maxAttempts());
            try {
                in.close();
            } catch (IOException ignored) {
                // the connection is gone anyway
            }
            sleep(backoff(failures));
            long from = position;
            in = call("read", key, () -> delegate.get(key, from));
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
