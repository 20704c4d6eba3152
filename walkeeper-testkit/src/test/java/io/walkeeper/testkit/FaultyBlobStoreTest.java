package io.walkeeper.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobWriter;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultyBlobStoreTest {
    private static final byte[] CONTENT = ContractPayloads.random(7, 10_000);

    private final InMemoryBlobStore inner = new InMemoryBlobStore();
    private final FaultyBlobStore store = new FaultyBlobStore(inner);

    @AfterEach
    void close() {
        store.close();
    }

    private static BlobWriter writing(byte[] content) {
        return out -> out.write(content);
    }

    /** Writes byte by byte and counts what the store accepted before it failed. */
    private static BlobWriter countingWriter(byte[] content, AtomicLong accepted) {
        return out -> {
            for (byte b : content) {
                out.write(b);
                accepted.incrementAndGet();
            }
        };
    }

    private List<String> innerKeys() {
        try (Stream<BlobInfo> s = inner.list("")) {
            return s.map(BlobInfo::key).toList();
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void withoutRulesCallsPassThroughAndAreLoggedInOrder() throws IOException {
        store.put("wal/a", writing(CONTENT));
        store.create("backups/b.json", writing(CONTENT));
        assertArrayEquals(CONTENT, readAll(store.get("wal/a")));
        assertArrayEquals(Arrays.copyOfRange(CONTENT, 100, CONTENT.length), readAll(store.get("wal/a", 100)));
        assertEquals(CONTENT.length, store.head("backups/b.json").orElseThrow().size());
        try (Stream<BlobInfo> s = store.list("backups/")) {
            assertEquals(List.of("backups/b.json"), s.map(BlobInfo::key).toList());
        }
        store.delete(List.of("wal/a", "backups/b.json"));
        assertEquals(List.of(), innerKeys());

        assertEquals(List.of(
                new BlobCall(BlobOperation.PUT, List.of("wal/a")),
                new BlobCall(BlobOperation.CREATE, List.of("backups/b.json")),
                new BlobCall(BlobOperation.GET, List.of("wal/a")),
                new BlobCall(BlobOperation.GET, List.of("wal/a")),
                new BlobCall(BlobOperation.HEAD, List.of("backups/b.json")),
                new BlobCall(BlobOperation.LIST, List.of("backups/")),
                new BlobCall(BlobOperation.DELETE, List.of("wal/a", "backups/b.json"))), store.calls());
        assertEquals(4, store.count(BlobOperation.ANY, k -> k.startsWith("backups/")));
        assertEquals(2, store.count(BlobOperation.GET, k -> true));
        store.clearCalls();
        assertEquals(List.of(), store.calls());
    }

    @Test
    void theNthMatchingCallFailsOnceWithANonRetryableError() {
        FaultRule rule = store.when(BlobOperation.CREATE).keyStartsWith("backups/").onCall(2).failNonRetryable();
        store.create("wal/1", writing(CONTENT));
        store.create("backups/1", writing(CONTENT));
        store.put("backups/put", writing(CONTENT));
        StorageException e = assertThrows(StorageException.class, () -> store.create("backups/2", writing(CONTENT)));
        assertFalse(e.isRetryable());
        assertTrue(e.getMessage().contains("backups/2") && e.getMessage().contains("injected"), e.getMessage());
        store.create("backups/3", writing(CONTENT));

        assertEquals(List.of("backups/1", "backups/3", "backups/put", "wal/1"), innerKeys());
        assertEquals(1, rule.hits());
        assertEquals(3, rule.matched());
        assertEquals(5, store.calls().size(), "the failed call is logged too");
    }

    @Test
    void anActionRunsJustBeforeTheCallItIsScheduledFor() {
        store.create("backups/base.json", writing(CONTENT));
        List<String> seenByAction = new ArrayList<>();
        FaultRule rule = store.when(BlobOperation.CREATE).keyStartsWith("backups/base/pg_control").runFirst(() -> {
            seenByAction.addAll(innerKeys());
            inner.delete(List.of("backups/base.json"));
        });
        store.create("backups/base/part_0001", writing(CONTENT));
        assertEquals(0, rule.hits());
        store.create("backups/base/pg_control", writing(CONTENT));
        assertEquals(1, rule.hits());
        assertEquals(List.of("backups/base.json", "backups/base/part_0001"), seenByAction, "the action runs before the call");
        assertEquals(List.of("backups/base/part_0001", "backups/base/pg_control"), innerKeys(), "then the call goes through");
        assertTrue(rule.toString().contains("run an action first"), rule.toString());
    }

    @Test
    void anAlwaysRuleFailsEveryMatchingCallFromTheNthOnWithARetryableError() {
        FaultRule rule = store.when(BlobOperation.HEAD).onCall(2).always().failRetryable();
        assertEquals(Optional.empty(), store.head("a"));
        for (int i = 0; i < 3; i++) {
            assertTrue(assertThrows(StorageException.class, () -> store.head("a")).isRetryable());
        }
        assertEquals(3, rule.hits());
    }

    @Test
    void aGivenExceptionIsThrownAsItIsAndAnyMatchesEveryOperation() {
        IllegalStateException boom = new IllegalStateException("boom");
        store.when(BlobOperation.ANY).keyStartsWith("x/").always().failWith(boom);
        assertSame(boom, assertThrows(IllegalStateException.class, () -> store.put("x/1", writing(CONTENT))));
        assertSame(boom, assertThrows(IllegalStateException.class, () -> store.get("x/1")));
        assertSame(boom, assertThrows(IllegalStateException.class, () -> store.list("x/")));
        assertSame(boom, assertThrows(IllegalStateException.class, () -> store.delete(List.of("a", "x/1"))));
        store.put("y/1", writing(CONTENT));
        assertEquals(List.of("y/1"), innerKeys());
    }

    @Test
    void aWriteThatBreaksMidStreamStoresNothingAndIsRetryable() throws IOException {
        FaultRule rule = store.when(BlobOperation.CREATE).breakStreamAfter(1000);
        AtomicLong accepted = new AtomicLong();
        StorageException e = assertThrows(StorageException.class, () -> store.create("wal/1", countingWriter(CONTENT, accepted)));
        assertTrue(e.isRetryable());
        assertEquals(1000, accepted.get(), "the writer fails on the first byte past the limit");
        assertTrue(e.getCause() instanceof StorageException, "the wrapped store saw its writer fail: " + e.getCause());
        assertEquals(List.of(), innerKeys());
        assertEquals(1, rule.hits());

        store.create("wal/1", writing(CONTENT));
        assertArrayEquals(CONTENT, readAll(inner.get("wal/1")));
    }

    @Test
    void aPutThatBreaksMidStreamKeepsTheOldObjectAndAShortObjectFailsAtItsEnd() throws IOException {
        store.put("k", writing(CONTENT));
        store.when(BlobOperation.PUT).always().breakStreamAfter(1 << 20);
        assertTrue(assertThrows(StorageException.class, () -> store.put("k", writing(new byte[] {1, 2, 3}))).isRetryable());
        assertTrue(assertThrows(StorageException.class, () -> store.put("new", writing(CONTENT))).isRetryable());
        assertArrayEquals(CONTENT, readAll(inner.get("k")));
        assertEquals(List.of("k"), innerKeys());
    }

    @Test
    void aCreateOfAnExistingKeyStillReportsThatItExists() {
        store.create("k", writing(CONTENT));
        store.when(BlobOperation.CREATE).breakStreamAfter(10);
        assertThrows(AlreadyExistsException.class, () -> store.create("k", writing(CONTENT)));
    }

    @Test
    void aReadThatBreaksMidStreamThrowsAfterTheGivenBytes() throws IOException {
        inner.put("wal/1", writing(CONTENT));
        FaultRule rule = store.when(BlobOperation.GET).keyStartsWith("wal/").breakStreamAfter(1000);
        try (InputStream in = store.get("wal/1")) {
            assertArrayEquals(Arrays.copyOf(CONTENT, 1000), in.readNBytes(1000));
            IOException e = assertThrows(IOException.class, in::read);
            assertTrue(e.getMessage().contains("wal/1"), e.getMessage());
            assertThrows(IOException.class, () -> in.read(new byte[10]));
        }
        assertArrayEquals(CONTENT, readAll(store.get("wal/1")), "the rule hits once");
        assertEquals(1, rule.hits());
    }

    @Test
    void aRangedReadIsAGetAndBreaksFromItsOffset() throws IOException {
        inner.put("wal/1", writing(CONTENT));
        store.when(BlobOperation.GET).always().breakStreamAfter(100);
        try (InputStream in = store.get("wal/1", 5000)) {
            assertArrayEquals(Arrays.copyOfRange(CONTENT, 5000, 5100), in.readNBytes(100));
            assertThrows(IOException.class, in::read);
        }
        try (InputStream in = store.get("wal/1")) {
            assertEquals(60, in.skip(60));
            assertThrows(IOException.class, () -> in.skip(41), "skipping counts as reading");
        }
    }

    @Test
    void aReadOfAShortObjectBreaksAtItsEnd() throws IOException {
        inner.put("small", writing(new byte[] {1, 2, 3}));
        store.when(BlobOperation.GET).breakStreamAfter(1000);
        try (InputStream in = store.get("small")) {
            assertArrayEquals(new byte[] {1, 2, 3}, in.readNBytes(3));
            assertThrows(IOException.class, in::read);
        }
    }

    @Test
    void aTruncatedReadEndsSilentlyAfterTheGivenBytes() throws IOException {
        inner.put("wal/1", writing(CONTENT));
        store.when(BlobOperation.GET).onCall(2).truncateAfter(1000);
        assertArrayEquals(CONTENT, readAll(store.get("wal/1")));
        assertArrayEquals(Arrays.copyOf(CONTENT, 1000), readAll(store.get("wal/1")));
        assertArrayEquals(CONTENT, readAll(store.get("wal/1")));
    }

    @Test
    void aDelayedCallWaitsAndThenSucceeds() {
        inner.put("k", writing(CONTENT));
        store.when(BlobOperation.HEAD).delay(Duration.ofMillis(300));
        long start = System.nanoTime();
        assertEquals(CONTENT.length, store.head("k").orElseThrow().size());
        assertTrue(System.nanoTime() - start >= 300_000_000L);
        start = System.nanoTime();
        store.head("k");
        assertTrue(System.nanoTime() - start < 300_000_000L, "the rule hits once");
    }

    @Test
    void anInterruptedDelayFailsTheCallAndKeepsTheInterrupt() throws Exception {
        store.when(BlobOperation.PUT).delay(Duration.ofMinutes(5));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                store.put("k", writing(CONTENT));
            } catch (RuntimeException e) {
                thrown.set(e);
                interrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        while (store.calls().isEmpty()) {
            Thread.sleep(10);
        }
        t.interrupt();
        t.join(10_000);
        assertFalse(t.isAlive());
        assertEquals(ErrorCode.INTERRUPTED, ((WalKeeperException) thrown.get()).errorCode());
        assertTrue(interrupted.get());
        assertEquals(List.of(), innerKeys());
    }

    @Test
    void aLostResponseStoresTheObjectAndThenAnswersWithARetryableFailure() throws IOException {
        FaultRule rule = store.when(BlobOperation.CREATE).loseResponse();
        StorageException e = assertThrows(StorageException.class, () -> store.create("backups/b.json", writing(CONTENT)));
        assertTrue(e.isRetryable());
        assertArrayEquals(CONTENT, readAll(inner.get("backups/b.json")), "the call itself succeeded");
        assertThrows(AlreadyExistsException.class, () -> store.create("backups/b.json", writing(CONTENT)),
                "a naive retry now finds the object");
        assertEquals(1, rule.hits());
    }

    @Test
    void aLostResponseOfOtherCallsDoesTheWorkToo() {
        inner.put("a", writing(CONTENT));
        inner.put("b", writing(CONTENT));
        store.when(BlobOperation.DELETE).loseResponse();
        store.when(BlobOperation.GET).loseResponse();
        store.when(BlobOperation.LIST).loseResponse();
        store.when(BlobOperation.HEAD).loseResponse();
        assertTrue(assertThrows(StorageException.class, () -> store.get("a")).isRetryable());
        assertTrue(assertThrows(StorageException.class, () -> store.head("a")).isRetryable());
        assertTrue(assertThrows(StorageException.class, () -> store.list("")).isRetryable());
        assertTrue(assertThrows(StorageException.class, () -> store.delete(List.of("a"))).isRetryable());
        assertEquals(List.of("b"), innerKeys());
    }

    @Test
    void theFirstDueRuleActsAndEveryRuleCountsItsOwnCalls() {
        FaultRule first = store.when(BlobOperation.ANY).onCall(2).failNonRetryable();
        FaultRule second = store.when(BlobOperation.HEAD).onCall(2).failRetryable();
        store.head("a");
        assertFalse(assertThrows(StorageException.class, () -> store.head("a")).isRetryable());
        store.head("a");
        assertEquals(1, first.hits());
        assertEquals(0, second.hits());
        assertEquals(3, second.matched());
        store.clearFaults();
        store.head("a");
    }

    @Test
    void streamFaultsAreRefusedWhereThereIsNoStreamAndCallsCountFromOne() {
        assertThrows(IllegalArgumentException.class, () -> store.when(BlobOperation.HEAD).breakStreamAfter(1));
        assertThrows(IllegalArgumentException.class, () -> store.when(BlobOperation.ANY).breakStreamAfter(1));
        assertThrows(IllegalArgumentException.class, () -> store.when(BlobOperation.PUT).truncateAfter(1));
        assertThrows(IllegalArgumentException.class, () -> store.when(BlobOperation.GET).truncateAfter(-1));
        assertThrows(IllegalArgumentException.class, () -> store.when(BlobOperation.GET).onCall(0));
        assertThrows(IllegalArgumentException.class, () -> store.when(BlobOperation.GET).delay(Duration.ofMillis(-1)));
        assertEquals("fail retryably: the 3rd CREATE call with a key starting 'backups/'",
                store.when(BlobOperation.CREATE).keyStartsWith("backups/").onCall(3).failRetryable().toString());
    }

    @Test
    void underConcurrencyExactlyTheNthCallIsHit() throws Exception {
        FaultRule rule = store.when(BlobOperation.CREATE).onCall(150).failNonRetryable();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger failures = new AtomicInteger();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        try {
                            store.create("k/" + thread + "/" + i, writing(new byte[] {(byte) i}));
                        } catch (StorageException e) {
                            failures.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, failures.get());
        assertEquals(1, rule.hits());
        assertEquals(400, store.calls().size());
        assertEquals(399, innerKeys().size());
        BlobCall failed = store.calls().get(149);
        assertEquals(Optional.empty(), inner.head(failed.key()), "the 150th logged call is the failed one");
    }
}
