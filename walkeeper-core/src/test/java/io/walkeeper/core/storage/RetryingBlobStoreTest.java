package io.walkeeper.core.storage;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.BlobWriter;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retries, deadlines, resumed reads, lost responses and limits of the storage layer every provider gets. */
class RetryingBlobStoreTest {
    private static final StorageOptions FAST = StorageOptions.from(Map.of(StorageOptions.MAX_ATTEMPTS, "3",
            StorageOptions.INITIAL_BACKOFF_MS, "1", StorageOptions.MAX_BACKOFF_MS, "5"));

    /** A store whose calls run a hook first; the hook may throw. */
    static class Scripted implements BlobStore {
        final InMemoryBlobStore inner = new InMemoryBlobStore();
        final AtomicInteger calls = new AtomicInteger();
        volatile Function<Integer, RuntimeException> failure = n -> null;

        private void hook() {
            RuntimeException e = failure.apply(calls.incrementAndGet());
            if (e != null) {
                throw e;
            }
        }

        @Override
        public URI location() {
            return inner.location();
        }

        @Override
        public InputStream get(String key) {
            hook();
            return inner.get(key);
        }

        @Override
        public InputStream get(String key, long offset) {
            hook();
            return inner.get(key, offset);
        }

        @Override
        public Optional<BlobInfo> head(String key) {
            hook();
            return inner.head(key);
        }

        @Override
        public Stream<BlobInfo> list(String prefix) {
            hook();
            return inner.list(prefix);
        }

        @Override
        public void create(String key, BlobWriter writer) {
            hook();
            inner.create(key, writer);
        }

        @Override
        public void put(String key, BlobWriter writer) {
            hook();
            inner.put(key, writer);
        }

        @Override
        public void delete(Collection<String> keys) {
            hook();
            inner.delete(keys);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private static BlobWriter bytes(String s) {
        return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    private static StorageException retryable() {
        return new StorageException("503 Slow Down", null, true);
    }

    @Test
    void retryableFailuresAreRetriedUntilSuccess() {
        Scripted s = new Scripted();
        s.failure = n -> n <= 2 ? retryable() : null;
        try (BlobStore store = RetryingBlobStore.wrap(s, FAST, true)) {
            store.put("k", bytes("v"));
            assertEquals(3, s.calls.get());
            assertEquals(1, store.head("k").orElseThrow().size());
        }
    }

    @Test
    void nonRetryableFailuresAreThrownAtOnce() {
        Scripted s = new Scripted();
        s.failure = n -> new StorageException("403 Access Denied to bucket b", null, false);
        try (BlobStore store = RetryingBlobStore.wrap(s, FAST, true)) {
            StorageException e = assertThrows(StorageException.class, () -> store.head("k"));
            assertEquals("403 Access Denied to bucket b", e.getMessage());
            assertEquals(1, s.calls.get(), "no retry storm");
            s.failure = n -> null;
            assertThrows(NotFoundException.class, () -> store.get("missing"));
            assertEquals(2, s.calls.get());
        }
    }

    @Test
    void theFinalErrorCountsTheAttempts() {
        Scripted s = new Scripted();
        s.failure = n -> retryable();
        try (BlobStore store = RetryingBlobStore.wrap(s, FAST, true)) {
            StorageException e = assertThrows(StorageException.class, () -> store.put("k", bytes("v")));
            assertTrue(e.getMessage().contains("gave up after 3 attempts"), e.getMessage());
            assertTrue(e.getMessage().startsWith("503 Slow Down"), e.getMessage());
            assertEquals(Optional.empty(), s.inner.head("k"));
        }
    }

    @Test
    void aCallPastItsDeadlineFails() {
        Scripted s = new Scripted();
        s.failure = n -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        };
        StorageOptions opts = StorageOptions.from(Map.of(StorageOptions.CALL_TIMEOUT_SECONDS, "1",
                StorageOptions.INITIAL_BACKOFF_MS, "1", StorageOptions.MAX_BACKOFF_MS, "5", StorageOptions.MAX_ATTEMPTS, "2"));
        try (BlobStore store = RetryingBlobStore.wrap(s, opts, true)) {
            StorageException e = assertThrows(StorageException.class, () -> store.head("k"));
            assertTrue(e.getMessage().contains("made no progress for 1 s"), e.getMessage());
            assertTrue(e.getMessage().contains("gave up after 2 attempts"), e.getMessage());
        }
    }

    /**
     * The call timeout measures lack of progress, not total time: an upload of 3 MiB through a
     * 1 MiB/s rate limit takes about 3 s and succeeds under a 1 s timeout, because bytes keep
     * moving; a writer that stalls for longer than the timeout is still abandoned.
     */
    @Test
    void anUploadSlowerThanTheTimeoutSucceedsWhileBytesMoveAndAStalledOneFails() throws IOException {
        StorageOptions opts = StorageOptions.from(Map.of(StorageOptions.CALL_TIMEOUT_SECONDS, "1",
                StorageOptions.MAX_BYTES_PER_SECOND, Integer.toString(1 << 20), StorageOptions.MAX_ATTEMPTS, "1"));
        byte[] content = new byte[3 << 20];
        new Random(3).nextBytes(content);
        InMemoryBlobStore memory = new InMemoryBlobStore();
        try (BlobStore store = RetryingBlobStore.wrap(memory, opts, true)) {
            long start = System.nanoTime();
            store.create("slow", out -> {
                for (int off = 0; off < content.length; off += 64 * 1024) {
                    out.write(content, off, 64 * 1024);
                }
            });
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis > 1500, "the rate limit held the upload past the timeout: " + millis + " ms");
            try (InputStream in = memory.get("slow")) {
                assertArrayEquals(content, in.readAllBytes());
            } catch (IOException e) {
                throw new AssertionError(e);
            }

            StorageException stalled = assertThrows(StorageException.class, () -> store.create("stalled", out -> {
                out.write(content, 0, 1024);
                try {
                    Thread.sleep(3000);
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException("abandoned");
                }
                out.write(content, 1024, 1024);
            }));
            assertTrue(stalled.getMessage().contains("made no progress for 1 s"), stalled.getMessage());
            assertFalse(memory.head("stalled").isPresent(), "nothing stored");
        }
    }

    @Test
    void aReadThatFailsPartWayIsResumedWithARangedRead() throws IOException {
        byte[] content = new byte[300_000];
        new Random(1).nextBytes(content);
        Scripted s = new Scripted();
        s.inner.put("big", out -> out.write(content));
        List<Long> offsets = new ArrayList<>();
        BlobStore breaking = new Scripted() {
            @Override
            public InputStream get(String key, long offset) {
                offsets.add(offset);
                InputStream in = s.inner.get(key, offset);
                return new InputStream() {
                    long read;

                    @Override
                    public int read() throws IOException {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (read >= 100_000 && offsets.size() < 3) {
                            throw new IOException("Connection reset");
                        }
                        int n = in.read(b, off, (int) Math.min(len, 4096));
                        read += Math.max(n, 0);
                        return n;
                    }
                };
            }

            @Override
            public InputStream get(String key) {
                return get(key, 0);
            }
        };
        try (BlobStore store = RetryingBlobStore.wrap(breaking, FAST, true); InputStream in = store.get("big")) {
            assertArrayEquals(content, in.readAllBytes());
        }
        assertEquals(List.of(0L, 102_400L, 204_800L), offsets, "resumed where each connection broke (reads of 4 KiB)");
    }

    @Test
    void aLostCreateResponseIsAcceptedOnlyForTheSameContent() {
        Scripted s = new Scripted();
        // the first create lands, then reports a retryable failure
        s.failure = n -> null;
        BlobStore lossy = new Scripted() {
            final AtomicInteger creates = new AtomicInteger();

            @Override
            public void create(String key, BlobWriter writer) {
                s.inner.create(key, writer);
                if (creates.incrementAndGet() == 1) {
                    throw retryable();
                }
            }

            @Override
            public InputStream get(String key) {
                return s.inner.get(key);
            }
        };
        try (BlobStore store = RetryingBlobStore.wrap(lossy, FAST, true)) {
            store.create("manifest.json", bytes("{\"a\":1}"));
        }
        s.inner.put("other", bytes("theirs"));
        try (BlobStore store = RetryingBlobStore.wrap(lossy, FAST, true)) {
            assertThrows(AlreadyExistsException.class, () -> store.create("other", bytes("mine")),
                    "a first attempt that finds the key taken is not a lost response");
        }
    }

    @Test
    void uploadConcurrencyIsLimited() throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        Scripted s = new Scripted();
        s.failure = n -> {
            int c = now.incrementAndGet();
            max.accumulateAndGet(c, Math::max);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            now.decrementAndGet();
            return null;
        };
        StorageOptions opts = StorageOptions.from(Map.of(StorageOptions.UPLOAD_CONCURRENCY, "2"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (BlobStore store = RetryingBlobStore.wrap(s, opts, true)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String key = "k" + i;
                fs.add(pool.submit(() -> store.put(key, bytes(key))));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, max.get());
    }

    @Test
    void theByteRateIsLimited() throws IOException {
        StorageOptions opts = StorageOptions.from(Map.of(StorageOptions.MAX_BYTES_PER_SECOND, Integer.toString(1 << 20)));
        Scripted s = new Scripted();
        byte[] twoMiB = new byte[2 << 20];
        long t0 = System.nanoTime();
        try (BlobStore store = RetryingBlobStore.wrap(s, opts, true)) {
            store.put("k", out -> out.write(twoMiB));
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        // one second of burst, then 1 MiB/s: at least about a second for 2 MiB
        assertTrue(millis >= 900, "2 MiB at 1 MiB/s took only " + millis + " ms");
    }

    @Test
    void settingsAreChecked() {
        assertThrows(ConfigurationException.class, () -> StorageOptions.from(Map.of("storage.retries", "3")));
        assertThrows(ConfigurationException.class, () -> StorageOptions.from(Map.of(StorageOptions.MAX_ATTEMPTS, "x")));
        assertThrows(ConfigurationException.class, () -> StorageOptions.from(Map.of(StorageOptions.MAX_ATTEMPTS, "0")));
        assertEquals(Map.of("s3.region", "eu"), StorageOptions.providerSettings(Map.of("s3.region", "eu",
                StorageOptions.MAX_ATTEMPTS, "2")));
        assertEquals(StorageOptions.DEFAULTS, StorageOptions.from(Map.of("s3.region", "eu")));
    }

    @Test
    void aClosedStoreRefusesCalls() {
        BlobStore store = RetryingBlobStore.wrap(new InMemoryBlobStore(), FAST, true);
        store.close();
        assertThrows(StorageException.class, () -> store.head("k"));
        assertFalse(store.location().toString().isEmpty());
    }
}
