package io.walkeeper.testkit;

import static io.walkeeper.testkit.ContractPayloads.read;
import static io.walkeeper.testkit.ContractPayloads.utf8;
import static io.walkeeper.testkit.ContractPayloads.writing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.BlobWriter;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The behaviour every {@link BlobStore} must have. A back end's test extends this class and
 * implements {@link #newStore()}; JUnit 5 then runs every test below against it:
 *
 * <pre>{@code
 * class MyBlobStoreContractTest extends BlobStoreContractTest {
 *     @Override
 *     protected BlobStore newStore() {
 *         return new MyBlobStore(freshBucket());
 *     }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh, empty store and closes it afterwards. The suite checks round trips,
 * create-if-absent (also under a race), atomicity when a writer fails, a large streamed object,
 * listing order and prefixes, unusual key characters, key validation, behaviour after close, and
 * concurrent use.
 */
public abstract class BlobStoreContractTest {
    private static final Logger LOG = LoggerFactory.getLogger(BlobStoreContractTest.class);

    /** The store under test; opened before each test and closed after it. */
    protected BlobStore store;

    /** Creates the test; subclasses need a no-argument constructor for JUnit. */
    protected BlobStoreContractTest() {
    }

    /**
     * Returns a new, empty store. Called once before each test.
     *
     * @return the store under test
     */
    protected abstract BlobStore newStore();

    /**
     * Returns the size of the object that {@link #largeObjectIsStreamedIntact()} writes; override to
     * keep a slow remote back end's run short.
     *
     * @return the size in bytes, 100 MiB unless overridden
     */
    protected long largeObjectSize() {
        return 100L << 20;
    }

    /** Opens the store under test. */
    @BeforeEach
    public void openStore() {
        store = newStore();
        assertNotNull(store, "newStore() returned null");
    }

    /** Closes the store under test. */
    @AfterEach
    public void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    /**
     * put, get, head, list and delete of one object.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void roundTrip() throws IOException {
        byte[] content = utf8("hello, archive");
        store.put("a/b/c.txt", writing(content));

        assertArrayEquals(content, read(store, "a/b/c.txt"));
        BlobInfo info = store.head("a/b/c.txt").orElseThrow();
        assertEquals("a/b/c.txt", info.key());
        assertEquals(content.length, info.size());
        assertNotNull(info.lastModified());
        assertEquals(List.of(info.key()), keys(""));
        assertEquals(content.length, list("").get(0).size());

        store.delete(List.of("a/b/c.txt"));
        assertEquals(Optional.empty(), store.head("a/b/c.txt"));
        assertEquals(List.of(), keys(""));
        assertThrows(NotFoundException.class, () -> store.get("a/b/c.txt").close());
    }

    /** create stores a new object and refuses an existing key, leaving the object untouched. */
    @Test
    public void createRefusesExistingKey() {
        store.create("wal/seg", writing(utf8("first")));
        assertArrayEquals(utf8("first"), read(store, "wal/seg"));

        assertThrows(AlreadyExistsException.class, () -> store.create("wal/seg", writing(utf8("second"))));
        assertArrayEquals(utf8("first"), read(store, "wal/seg"));

        store.put("wal/other", writing(utf8("put")));
        assertThrows(AlreadyExistsException.class, () -> store.create("wal/other", writing(utf8("x"))));
        assertArrayEquals(utf8("put"), read(store, "wal/other"));
    }

    /**
     * Whether the store keeps object metadata ({@link BlobStore#create(String, java.util.Map,
     * io.walkeeper.spi.BlobWriter)}). Every built-in store does; a store that cannot says so here,
     * and walkeeper then falls back to reading objects to compare them.
     *
     * @return {@code true} unless overridden
     */
    protected boolean keepsMetadata() {
        return true;
    }

    /**
     * Metadata given to create comes back from head, with a small and a large object (one request
     * and a multipart or block upload), and malformed metadata is refused before anything is
     * stored.
     */
    @Test
    public void createKeepsMetadata() {
        java.util.Map<String, String> metadata = java.util.Map.of("sha256", "0123456789abcdef".repeat(4), "v", "1");
        store.create("wal/small", metadata, writing(utf8("small")));
        byte[] large = new byte[(int) Math.min(largeObjectSize(), 24 << 20)];
        new java.util.Random(1).nextBytes(large);
        store.create("wal/large", metadata, writing(large));
        assertArrayEquals(utf8("small"), read(store, "wal/small"));
        assertArrayEquals(large, read(store, "wal/large"));
        if (keepsMetadata()) {
            assertEquals(metadata, store.head("wal/small").orElseThrow().metadata());
            assertEquals(metadata, store.head("wal/large").orElseThrow().metadata());
        }
        assertThrows(AlreadyExistsException.class, () -> store.create("wal/small", java.util.Map.of("sha256", "x"),
                writing(utf8("other"))));
        assertArrayEquals(utf8("small"), read(store, "wal/small"));
        assertThrows(IllegalArgumentException.class, () -> store.create("wal/bad", java.util.Map.of("Not-Valid", "x"),
                writing(utf8("x"))));
        assertEquals(Optional.empty(), store.head("wal/bad"));
    }

    /** put replaces an existing object, also with shorter content. */
    @Test
    public void putOverwrites() {
        store.put("k", writing(ContractPayloads.random(1, 10_000)));
        store.put("k", writing(utf8("short")));
        assertArrayEquals(utf8("short"), read(store, "k"));
        assertEquals(5, store.head("k").orElseThrow().size());
        assertEquals(List.of("k"), keys(""));
    }

    /**
     * Two threads create the same key at once with different content: exactly one wins, and the
     * object holds exactly the winner's whole payload.
     *
     * @throws Exception on an unexpected failure
     */
    @Test
    public void concurrentCreateHasExactlyOneWinner() throws Exception {
        int size = 256 * 1024;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String key = "race/" + round;
                byte[] first = ContractPayloads.random(2L * round, size);
                byte[] second = ContractPayloads.random(2L * round + 1, size);
                CyclicBarrier midway = new CyclicBarrier(2);
                Future<Boolean> a = pool.submit(() -> tryCreate(key, first, midway));
                Future<Boolean> b = pool.submit(() -> tryCreate(key, second, midway));
                boolean aWon = a.get(60, TimeUnit.SECONDS);
                boolean bWon = b.get(60, TimeUnit.SECONDS);
                assertTrue(aWon ^ bWon, "exactly one create must succeed, got " + aWon + " and " + bWon);
                assertArrayEquals(aWon ? first : second, read(store, key), "the winner's content, whole");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private boolean tryCreate(String key, byte[] content, CyclicBarrier midway) {
        try {
            store.create(key, out -> {
                out.write(content, 0, content.length / 2);
                awaitQuietly(midway);
                out.write(content, content.length / 2, content.length - content.length / 2);
            });
            return true;
        } catch (AlreadyExistsException e) {
            return false;
        }
    }

    private static void awaitQuietly(CyclicBarrier barrier) {
        try {
            // Lets both writers be mid-object at once; a store that serialises creates just waits.
            barrier.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (BrokenBarrierException | TimeoutException e) {
            // the other writer was refused before writing, or the store serialises writers
        }
    }

    /** A writer that fails midway leaves nothing visible, and the key can be created afterwards. */
    @Test
    public void failedWriterLeavesNoObject() {
        BlobWriter failing = out -> {
            out.write(ContractPayloads.random(7, 100_000));
            throw new IOException("simulated failure while producing content");
        };
        assertThrows(StorageException.class, () -> store.create("fail/created", failing));
        assertThrows(StorageException.class, () -> store.put("fail/put", failing));

        assertEquals(Optional.empty(), store.head("fail/created"));
        assertEquals(Optional.empty(), store.head("fail/put"));
        assertEquals(List.of(), keys(""));

        store.create("fail/created", writing(utf8("second try")));
        assertArrayEquals(utf8("second try"), read(store, "fail/created"));
    }

    /** A put whose writer fails leaves the previous object in place. */
    @Test
    public void failedPutKeepsPreviousObject() {
        store.put("keep", writing(utf8("original")));
        assertThrows(StorageException.class, () -> store.put("keep", out -> {
            out.write(utf8("partial replacement"));
            throw new IOException("simulated failure");
        }));
        assertArrayEquals(utf8("original"), read(store, "keep"));
        assertEquals(List.of("keep"), keys(""));
    }

    /** An empty object is an object. */
    @Test
    public void zeroByteObject() {
        store.create("empty", out -> { });
        assertEquals(0, store.head("empty").orElseThrow().size());
        assertArrayEquals(new byte[0], read(store, "empty"));
        assertEquals(List.of("empty"), keys(""));
    }

    /**
     * A large object is streamed in and out intact, checked by digest.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void largeObjectIsStreamedIntact() throws IOException {
        long size = largeObjectSize();
        MessageDigest written = ContractPayloads.sha256();
        long start = System.nanoTime();
        store.put("large/object.bin", out -> ContractPayloads.writeRandom(out, 42, size, written));
        long wrote = System.nanoTime();

        assertEquals(size, store.head("large/object.bin").orElseThrow().size());
        MessageDigest readBack = ContractPayloads.sha256();
        long count;
        try (InputStream in = store.get("large/object.bin")) {
            count = ContractPayloads.drain(in, readBack);
        }
        long done = System.nanoTime();
        assertEquals(size, count);
        assertArrayEquals(written.digest(), readBack.digest(), "content digest");
        LOG.info("{}: {} MiB written in {} ms, read in {} ms", store.location(), size >> 20,
                (wrote - start) / 1_000_000, (done - wrote) / 1_000_000);
    }

    /**
     * A listing of 2,500 keys returns all of them in ascending UTF-8 order.
     *
     * @throws Exception on an unexpected failure
     */
    @Test
    public void listsManyKeysInOrder() throws Exception {
        List<String> expected = IntStream.range(0, 2500)
                .mapToObj(i -> "many/" + (i % 3 == 0 ? "d" + (i % 7) + "/" : "") + "k" + i)
                .sorted(BlobKeyRules.UTF8_ORDER)
                .collect(Collectors.toList());
        runConcurrently(8, expected.size(), i -> store.put(expected.get(i), writing(utf8(expected.get(i)))));

        List<BlobInfo> listed = list("many/");
        assertEquals(expected, listed.stream().map(BlobInfo::key).collect(Collectors.toList()));
        for (BlobInfo info : listed) {
            assertEquals(utf8(info.key()).length, info.size(), info.key());
        }
        assertEquals(expected, keys(""));
    }

    /** Listing order is by UTF-8 bytes, and a "folder" sorts where its '/' does. */
    @Test
    public void listOrderIsUtf8ByteOrder() {
        List<String> expected = List.of("order/a-c", "order/a.b", "order/a/b", "order/a0", "order/ab", "order/b",
                "order/\uFF21", "order/\uD83D\uDE00");
        for (String key : expected) {
            store.put(key, writing(utf8(key)));
        }
        assertEquals(expected, keys("order/"));
        assertEquals(expected, keys(""));
    }

    /** A prefix selects exactly the keys that start with it, whether or not it ends at a '/'. */
    @Test
    public void listsByPrefix() {
        List<String> all = List.of("backups/base_1.json", "backups/base_1/part_1", "wa", "wal/0001", "wal/0002",
                "wal/00030", "wal/sub/0004", "walx/1");
        for (String key : all) {
            store.put(key, writing(utf8(key)));
        }
        assertEquals(all, keys(""));
        assertEquals(List.of("wal/0001", "wal/0002", "wal/00030", "wal/sub/0004"), keys("wal/"));
        assertEquals(List.of("wa", "wal/0001", "wal/0002", "wal/00030", "wal/sub/0004", "walx/1"), keys("wa"));
        assertEquals(List.of("wal/0001", "wal/0002", "wal/00030", "wal/sub/0004", "walx/1"), keys("wal"));
        assertEquals(List.of("wal/00030"), keys("wal/0003"));
        assertEquals(List.of("wal/sub/0004"), keys("wal/s"));
        assertEquals(List.of("backups/base_1.json", "backups/base_1/part_1"), keys("backups/base_1"));
        assertEquals(List.of("backups/base_1/part_1"), keys("backups/base_1/"));
        assertEquals(List.of("backups/base_1.json"), keys("backups/base_1."));
        assertEquals(List.of(), keys("nothing/"));
        assertEquals(List.of(), keys("wal/0001/"));
        assertEquals(List.of(), keys("wal/zz"));
    }

    /** Listings hold objects only, never the "folders" their keys imply. */
    @Test
    public void listHasNoDirectories() {
        store.put("d1/d2/file", writing(utf8("x")));
        store.put("top", writing(utf8("y")));
        assertEquals(List.of("d1/d2/file", "top"), keys(""));
        assertEquals(List.of("d1/d2/file"), keys("d1"));
        assertEquals(Optional.empty(), store.head("d1"));
        assertEquals(Optional.empty(), store.head("d1/d2"));
        assertThrows(NotFoundException.class, () -> store.get("d1/d2").close());
    }

    /**
     * A key may also be the start of other keys ({@code d} and {@code d/x}). A store either keeps
     * both as objects, listed, read and deleted on their own, or (a store that maps keys onto
     * directories) refuses the second with a non-retryable {@link StorageException} naming it;
     * either way the first is not hidden, blocked or damaged. walkeeper's own layout never
     * needs both.
     */
    @Test
    public void keyThatIsAlsoAFolderPrefix() {
        store.put("d", writing(utf8("the file d")));
        boolean both = secondOfPair("d/x");
        store.create("e/x", writing(utf8("the file e/x")));
        both &= secondOfPair("e");
        assertArrayEquals(utf8("the file d"), read(store, "d"));
        assertArrayEquals(utf8("the file e/x"), read(store, "e/x"));
        if (both) {
            assertEquals(List.of("d", "d/x", "e", "e/x"), keys(""));
            assertEquals(List.of("d/x"), keys("d/"));
            store.delete(List.of("d", "e/x"));
            assertEquals(List.of("d/x", "e"), keys(""));
            assertArrayEquals(utf8("the file d/x"), read(store, "d/x"));
            assertArrayEquals(utf8("the file e"), read(store, "e"));
        } else {
            assertEquals(List.of("d", "e/x"), keys(""));
            store.delete(List.of("d", "e/x"));
            assertEquals(List.of(), keys(""));
        }
    }

    /** Writes the second key of a pair; {@code false} if the store refused it as it may. */
    private boolean secondOfPair(String key) {
        try {
            store.create(key, writing(utf8("the file " + key)));
            return true;
        } catch (StorageException e) {
            assertFalse(e.isRetryable(), "a key a store cannot hold is not worth retrying: " + e);
            assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
            assertEquals(Optional.empty(), store.head(key));
            return false;
        }
    }

    /**
     * Deleting the last key under a prefix leaves the prefix usable: nothing is listed under it,
     * keys under it can be created again, and once they are gone the prefix itself can be a key.
     */
    @Test
    public void prefixIsUsableAfterItsLastKeyIsDeleted() {
        store.create("p/q/r", writing(utf8("one")));
        store.delete(List.of("p/q/r"));
        assertEquals(List.of(), keys("p/"));
        assertEquals(List.of(), keys(""));
        store.create("p/q/r", writing(utf8("two")));
        assertArrayEquals(utf8("two"), read(store, "p/q/r"));
        store.delete(List.of("p/q/r"));
        store.create("p/q", writing(utf8("three")));
        assertArrayEquals(utf8("three"), read(store, "p/q"));
        assertEquals(List.of("p/q"), keys("p/"));
    }

    /**
     * A writer may close the stream it was given: the object is then stored complete, once, by
     * create and by put alike.
     */
    @Test
    public void writerThatClosesTheStreamItself() {
        byte[] content = ContractPayloads.random(11, 300_000);
        store.create("closed/created", out -> {
            out.write(content);
            out.close();
        });
        store.put("closed/put", out -> {
            out.write(content);
            out.close();
            out.close();
        });
        assertArrayEquals(content, read(store, "closed/created"));
        assertArrayEquals(content, read(store, "closed/put"));
        assertEquals(content.length, store.head("closed/put").orElseThrow().size());
    }

    /** Keys with every legal punctuation character, spaces and non-ASCII text round-trip. */
    @Test
    public void unusualCharactersRoundTrip() {
        List<String> keys = List.of(
                "chars/-_.~!$&'()*+,;=:@ ",
                "chars/with space/and:colon",
                "chars/.hidden",
                "chars/.../a..b",
                "chars/\u00e4\u00f6\u00fc\u00df/\u65e5\u672c\u8a9e",
                "chars/emoji-\uD83D\uDE00",
                "chars/\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac");
        for (String key : keys) {
            store.create(key, writing(utf8(key)));
        }
        for (String key : keys) {
            assertArrayEquals(utf8(key), read(store, key), key);
            assertEquals(key, store.head(key).orElseThrow().key());
        }
        List<String> sorted = keys.stream().sorted(BlobKeyRules.UTF8_ORDER).collect(Collectors.toList());
        assertEquals(sorted, keys("chars/"));
        store.delete(keys);
        assertEquals(List.of(), keys(""));
    }

    /** Keys that break the SPI's rules are refused with {@link InvalidRequestException}. */
    @Test
    public void rejectsMalformedKeys() {
        for (String bad : List.of("", "/abs", "a//b", "a/", "./a", "a/./b", "../a", "a/..", "a\\b", "a\0b")) {
            assertThrows(InvalidRequestException.class, () -> store.put(bad, writing(utf8("x"))), bad);
            assertThrows(InvalidRequestException.class, () -> store.create(bad, writing(utf8("x"))), bad);
            assertThrows(InvalidRequestException.class, () -> store.get(bad).close(), bad);
            assertThrows(InvalidRequestException.class, () -> store.head(bad), bad);
            assertThrows(InvalidRequestException.class, () -> store.delete(List.of(bad)), bad);
        }
        assertEquals(List.of(), keys(""));
    }

    /**
     * A ranged read returns the object from the offset on, including at its very end.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void rangedReadReturnsTheRest() throws IOException {
        byte[] content = ContractPayloads.random(7, 100_000);
        store.put("range/k", writing(content));
        for (int off : new int[] {0, 1, 65_536, 99_999, 100_000}) {
            try (java.io.InputStream in = store.get("range/k", off)) {
                assertArrayEquals(java.util.Arrays.copyOfRange(content, off, content.length), in.readAllBytes(), "offset " + off);
            }
        }
        assertThrows(NotFoundException.class, () -> store.get("range/missing", 10).close());
    }

    /** get of a missing key fails with {@link NotFoundException} naming the key. */
    @Test
    public void getMissingKeyIsNotFound() {
        NotFoundException e = assertThrows(NotFoundException.class, () -> store.get("no/such/key").close());
        assertTrue(e.getMessage().contains("no/such/key"), e.getMessage());
        assertEquals(Optional.empty(), store.head("no/such/key"));
    }

    /** delete ignores keys that do not exist and removes those that do. */
    @Test
    public void deleteIgnoresMissingKeys() {
        store.put("x/1", writing(utf8("1")));
        store.put("x/2", writing(utf8("2")));
        store.put("x/3", writing(utf8("3")));
        store.delete(List.of());
        store.delete(List.of("x/1", "missing", "x/missing/deeper", "x/3"));
        assertEquals(List.of("x/2"), keys(""));
        assertDoesNotThrow(() -> store.delete(List.of("x/1", "x/1")));
    }

    /** After close every call fails with {@link StorageException}; close is idempotent. */
    @Test
    public void closedStoreRefusesCalls() {
        store.put("k", writing(utf8("v")));
        store.close();
        assertDoesNotThrow(store::close);
        List<Executable> calls = List.of(
                () -> store.get("k").close(),
                () -> store.head("k"),
                () -> store.list("").close(),
                () -> store.create("k2", writing(utf8("v"))),
                () -> store.put("k", writing(utf8("v"))),
                () -> store.delete(List.of("k")));
        for (Executable call : calls) {
            assertThrows(StorageException.class, call);
        }
        assertNotNull(store.location());
    }

    /**
     * Sixteen threads putting, reading, creating and deleting their own keys see no errors.
     *
     * @throws Exception on an unexpected failure
     */
    @Test
    public void concurrentUseOfOwnKeys() throws Exception {
        runConcurrently(16, 16, thread -> {
            for (int i = 0; i < 25; i++) {
                String key = "conc/t" + thread + "/k" + i;
                byte[] content = ContractPayloads.random(thread * 1000L + i, 1000 + 97 * i);
                store.put(key, writing(content));
                assertArrayEquals(content, read(store, key));
                assertEquals(content.length, store.head(key).orElseThrow().size());
                String created = key + ".created";
                store.create(created, writing(content));
                assertThrows(AlreadyExistsException.class, () -> store.create(created, writing(content)));
                assertEquals(List.of(key, created), keys(key));
                store.delete(List.of(key, created));
                assertEquals(Optional.empty(), store.head(key));
            }
        });
        assertEquals(List.of(), keys("conc/"));
    }

    /**
     * Lists {@code prefix} and returns the entries, closing the stream.
     *
     * @param prefix the key prefix
     * @return the listed objects, in the store's order
     */
    protected final List<BlobInfo> list(String prefix) {
        try (Stream<BlobInfo> entries = store.list(prefix)) {
            return entries.collect(Collectors.toList());
        }
    }

    /**
     * Lists {@code prefix} and returns the keys, closing the stream.
     *
     * @param prefix the key prefix
     * @return the listed keys, in the store's order
     */
    protected final List<String> keys(String prefix) {
        return list(prefix).stream().map(BlobInfo::key).collect(Collectors.toList());
    }

    /** A task over an index that may throw. */
    @FunctionalInterface
    protected interface IndexedTask {
        /**
         * Runs the task for one index.
         *
         * @param index the index
         * @throws Exception any failure, which fails the test
         */
        void run(int index) throws Exception;
    }

    /**
     * Runs {@code task} for indexes {@code 0..count-1} on {@code threads} threads and rethrows the
     * first failure.
     *
     * @param threads the number of threads
     * @param count the number of indexes
     * @param task the work for one index
     * @throws Exception the first failure of a task
     */
    protected static void runConcurrently(int threads, int count, IndexedTask task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                Callable<Void> call = () -> {
                    task.run(index);
                    return null;
                };
                futures.add(pool.submit(call));
            }
            for (Future<Void> future : futures) {
                try {
                    future.get(5, TimeUnit.MINUTES);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Exception) {
                        throw (Exception) cause;
                    }
                    if (cause instanceof Error) {
                        throw (Error) cause;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
