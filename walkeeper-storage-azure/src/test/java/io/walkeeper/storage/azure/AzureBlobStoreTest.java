package io.walkeeper.storage.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.StorageException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobWriter;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockList;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Azure-specific behaviour of {@link AzureBlobStore}, against Azurite over loopback HTTP. */
class AzureBlobStoreTest {
    private static final int SMALL_BLOCK = AzureSettings.BLOCK_SIZE_MIN;

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private final List<AzureBlobStore> stores = new ArrayList<>();
    private String container;

    @BeforeEach
    void createContainer() {
        container = AZURITE.server().newContainer();
    }

    @AfterEach
    void dropContainer() {
        stores.forEach(AzureBlobStore::close);
        AZURITE.server().deleteContainer(container);
    }

    @Test
    void multiBlockUploadWithSmallBlocksAndThreeAtOnce() throws IOException {
        AzureBlobStore store = open("azure://" + container + "/repo", smallBlocks(3));
        byte[] content = random(1, SMALL_BLOCK * 37 + 123);
        store.create("base/part_1.tar", inOddChunks(content));

        assertArrayEquals(content, read(store, "base/part_1.tar"));
        assertEquals(content.length, store.head("base/part_1.tar").orElseThrow().size());
        BlockList blocks = blobs().getBlobClient("repo/base/part_1.tar").getBlockBlobClient()
                .listBlocks(BlockListType.ALL);
        assertEquals(38, blocks.getCommittedBlocks().size());
        assertEquals(0, blocks.getUncommittedBlocks().size());
        List<Long> sizes = blocks.getCommittedBlocks().stream().map(Block::getSizeLong).toList();
        assertTrue(sizes.subList(0, 37).stream().allMatch(s -> s == SMALL_BLOCK), sizes.toString());
        assertEquals(123L, sizes.get(37));
        assertEquals(38, new HashSet<>(blocks.getCommittedBlocks().stream().map(Block::getName).toList()).size());

        store.put("base/part_1.tar", out -> out.write("short".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals("short".getBytes(StandardCharsets.UTF_8), read(store, "base/part_1.tar"));
    }

    @Test
    void objectOfExactlyOneBlockIsOnePut() {
        AzureBlobStore store = open("azure://" + container, smallBlocks(3));
        byte[] content = random(2, SMALL_BLOCK);
        store.create("one", out -> out.write(content));
        assertArrayEquals(content, read(store, "one"));
        assertEquals(0, blobs().getBlobClient("one").getBlockBlobClient().listBlocks(BlockListType.ALL)
                .getCommittedBlocks().size(), "a single Put Blob has no block list");
    }

    @Test
    void writerFailingMidUploadLeavesNoBlob() {
        AzureBlobStore store = open("azure://" + container + "/repo", smallBlocks(3));
        BlobWriter failing = out -> {
            out.write(random(3, SMALL_BLOCK * 12 + 5));
            throw new IOException("simulated failure after twelve blocks");
        };
        StorageException e = assertThrows(StorageException.class, () -> store.create("wal/seg", failing));
        assertFalse(e.isRetryable(), "the writer's failure is not the store's");
        assertTrue(e.getMessage().contains("wal/seg") && e.getMessage().contains("simulated failure"), e.getMessage());
        assertEquals(Optional.empty(), store.head("wal/seg"));
        assertFalse(blobs().getBlobClient("repo/wal/seg").exists());
        assertEquals(List.of(), keys(store, ""));

        store.put("keep", out -> out.write(new byte[] {1, 2, 3}));
        assertThrows(StorageException.class, () -> store.put("keep", failing));
        assertArrayEquals(new byte[] {1, 2, 3}, read(store, "keep"));

        byte[] content = random(4, SMALL_BLOCK * 3);
        store.create("wal/seg", out -> out.write(content));
        assertArrayEquals(content, read(store, "wal/seg"));
    }

    @Test
    void largeCreateOverExistingKeyIsRefusedBeforeSendingBlocks() {
        AzureBlobStore store = open("azure://" + container, smallBlocks(2));
        store.put("k", out -> out.write(new byte[] {7}));
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
                () -> store.create("k", out -> out.write(random(5, SMALL_BLOCK * 5))));
        assertTrue(e.getMessage().contains("'k'"), e.getMessage());
        assertArrayEquals(new byte[] {7}, read(store, "k"));
        assertEquals(0, blobs().getBlobClient("k").getBlockBlobClient().listBlocks(BlockListType.UNCOMMITTED)
                .getUncommittedBlocks().size());
    }

    @Test
    void concurrentMultiBlockCreatesHaveOneWinner() throws Exception {
        AzureBlobStore store = open("azure://" + container, smallBlocks(2));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                String key = "race/" + round;
                byte[] a = random(10 + 2L * round, SMALL_BLOCK * 4 + 1);
                byte[] b = random(11 + 2L * round, SMALL_BLOCK * 4 + 1);
                CyclicBarrier barrier = new CyclicBarrier(2);
                Future<Boolean> fa = pool.submit(() -> tryCreate(store, key, a, barrier));
                Future<Boolean> fb = pool.submit(() -> tryCreate(store, key, b, barrier));
                boolean aWon = fa.get(60, TimeUnit.SECONDS);
                boolean bWon = fb.get(60, TimeUnit.SECONDS);
                assertTrue(aWon ^ bWon, "exactly one create wins, got " + aWon + " and " + bWon);
                assertArrayEquals(aWon ? a : b, read(store, key));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean tryCreate(AzureBlobStore store, String key, byte[] content, CyclicBarrier barrier) {
        try {
            store.create(key, out -> {
                // both writers have passed the existence check of their first block when they meet
                out.write(content, 0, SMALL_BLOCK * 2);
                try {
                    barrier.await(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // the other was refused early
                }
                out.write(content, SMALL_BLOCK * 2, content.length - SMALL_BLOCK * 2);
            });
            return true;
        } catch (AlreadyExistsException e) {
            return false;
        }
    }

    @Test
    void missingContainerFailsAtOnceNamingIt() {
        String missing = "no-such-container-" + System.nanoTime();
        AzureBlobStore store = open("azure://" + missing + "/repo", AZURITE.server().settings());
        List<Consumer<AzureBlobStore>> calls = List.of(
                s -> s.get("k"),
                s -> s.head("k"),
                s -> s.list("").close(),
                s -> s.create("k", out -> out.write(1)),
                s -> s.put("k", out -> out.write(1)),
                s -> s.delete(List.of("k")));
        for (Consumer<AzureBlobStore> call : calls) {
            long start = System.nanoTime();
            StorageException e = assertThrows(StorageException.class, () -> call.accept(store));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertFalse(e.isRetryable(), e.getMessage());
            assertTrue(e.getMessage().contains("container '" + missing + "' does not exist"), e.getMessage());
            assertTrue(e.getMessage().contains(AzuriteServer.ACCOUNT) && e.getMessage().contains("create the container"),
                    e.getMessage());
            assertTrue(millis < 5_000, "failed after " + millis + " ms");
        }
    }

    @Test
    void wrongAccountKeyIsNotRetryableAndPointsAtTheCredentials() {
        String wrongKey = Base64.getEncoder().encodeToString(random(6, 64));
        AzureBlobStore store = open("azure://" + container, Map.of(AzureSettings.ENDPOINT, AZURITE.server().endpoint(),
                AzureSettings.ACCOUNT_NAME, AzuriteServer.ACCOUNT, AzureSettings.ACCOUNT_KEY, wrongKey));
        List<Consumer<AzureBlobStore>> calls = List.of(
                s -> s.get("k"),
                s -> s.head("k"),
                s -> s.list("").close(),
                s -> s.create("k", out -> out.write(1)));
        for (Consumer<AzureBlobStore> call : calls) {
            StorageException e = assertThrows(StorageException.class, () -> call.accept(store));
            assertFalse(e.isRetryable(), e.getMessage());
            assertTrue(e.getMessage().contains("check the credentials") && e.getMessage().contains("account key"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("'" + container + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("HTTP 403"), e.getMessage());
            assertFalse(e.getMessage().contains(wrongKey) || e.getMessage().contains(AzuriteServer.KEY), e.getMessage());
        }
    }

    @Test
    void accountKeyWithEndpointWorks() {
        AzureBlobStore store = open("azure://" + container + "/a/b", Map.of(AzureSettings.ENDPOINT,
                AZURITE.server().endpoint() + "/", AzureSettings.ACCOUNT_NAME, AzuriteServer.ACCOUNT,
                AzureSettings.ACCOUNT_KEY, AzuriteServer.KEY));
        store.put("x", out -> out.write(42));
        assertArrayEquals(new byte[] {42}, read(store, "x"));
        assertTrue(blobs().getBlobClient("a/b/x").exists());
    }

    @Test
    void sasTokenWorksAndAReadOnlyOneCannotWrite() {
        BlobContainerClient admin = blobs();
        OffsetDateTime expiry = OffsetDateTime.now().plusHours(1);
        String full = admin.generateSas(new BlobServiceSasSignatureValues(expiry, new BlobContainerSasPermission()
                .setReadPermission(true).setWritePermission(true).setListPermission(true).setDeletePermission(true)
                .setCreatePermission(true).setAddPermission(true)));
        AzureBlobStore store = open("azure://" + container, Map.of(AzureSettings.ENDPOINT, AZURITE.server().endpoint(),
                AzureSettings.SAS_TOKEN, "?" + full));
        store.create("sas/k", out -> out.write(new byte[] {1, 2}));
        assertArrayEquals(new byte[] {1, 2}, read(store, "sas/k"));
        assertEquals(List.of("sas/k"), keys(store, "sas/"));
        store.delete(List.of("sas/k"));
        assertEquals(Optional.empty(), store.head("sas/k"));

        String readOnly = admin.generateSas(new BlobServiceSasSignatureValues(expiry, new BlobContainerSasPermission()
                .setReadPermission(true).setListPermission(true)));
        AzureBlobStore reader = open("azure://" + container, Map.of(AzureSettings.ENDPOINT,
                AZURITE.server().endpoint(), AzureSettings.SAS_TOKEN, readOnly));
        StorageException e = assertThrows(StorageException.class, () -> reader.put("k", out -> out.write(1)));
        assertFalse(e.isRetryable(), e.getMessage());
        assertTrue(e.getMessage().contains("SAS token"), e.getMessage());
        assertFalse(e.getMessage().contains("sig="), "no secret in " + e.getMessage());
    }

    @Test
    void listingPagesLazilyInOrder() {
        AzureBlobStore store = open("azure://" + container + "/repo", AZURITE.server().settings());
        store.listPageSize(7);
        List<String> expected = IntStream.range(0, 30).mapToObj(i -> String.format("wal/%08X", i * 7919))
                .sorted().toList();
        store.delete(List.of()); // no-op
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (Future<?> f : expected.stream().map(k -> pool.submit(() -> store.put(k, out -> out.write(1))))
                    .toList()) {
                f.get();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
        store.put("walx", out -> out.write(1));
        assertEquals(expected, keys(store, "wal/"));
        try (Stream<BlobInfo> first = store.list("")) {
            assertEquals(expected.subList(0, 3), first.limit(3).map(BlobInfo::key).toList());
        }
        store.delete(expected);
        assertEquals(List.of("walx"), keys(store, ""));
    }

    @Test
    void rangedReadsAtAndPastTheEnd() throws IOException {
        AzureBlobStore store = open("azure://" + container, AZURITE.server().settings());
        store.put("ten", out -> out.write(new byte[10]));
        try (InputStream in = store.get("ten", 10)) {
            assertEquals(-1, in.read());
        }
        try (InputStream in = store.get("ten", 4)) {
            assertEquals(6, in.readAllBytes().length);
        }
        StorageException e = assertThrows(StorageException.class, () -> store.get("ten", 11).close());
        assertTrue(e.getMessage().contains("only 10 bytes"), e.getMessage());
    }

    @Test
    void closingADownloadEarlyCancelsIt() throws IOException {
        AzureBlobStore store = open("azure://" + container, AZURITE.server().settings());
        byte[] content = random(8, 6 << 20);
        store.put("big", out -> out.write(content));
        for (int i = 0; i < 5; i++) {
            try (InputStream in = store.get("big")) {
                assertEquals(content[0] & 0xFF, in.read());
            }
        }
        assertArrayEquals(content, read(store, "big"));
    }

    @Test
    void deletesManyKeysInParallel() {
        AzureBlobStore store = open("azure://" + container, AZURITE.server().settings());
        List<String> keys = IntStream.range(0, 40).mapToObj(i -> "d/" + i).collect(Collectors.toList());
        for (String k : keys) {
            store.put(k, out -> out.write(1));
        }
        List<String> withMissing = new ArrayList<>(keys);
        withMissing.add("d/missing");
        store.delete(withMissing);
        assertEquals(List.of(), keys(store, ""));
    }

    private AzureBlobStore open(String uri, Map<String, String> settings) {
        AzureBlobStore store = (AzureBlobStore) new AzureStorageProvider().open(URI.create(uri), settings);
        stores.add(store);
        return store;
    }

    private static Map<String, String> smallBlocks(int concurrency) {
        Map<String, String> settings = new HashMap<>(AZURITE.server().settings());
        settings.put(AzureSettings.BLOCK_SIZE, Integer.toString(SMALL_BLOCK));
        settings.put(AzureSettings.UPLOAD_CONCURRENCY, Integer.toString(concurrency));
        return settings;
    }

    private BlobContainerClient blobs() {
        return AZURITE.server().serviceClient().getBlobContainerClient(container);
    }

    private static BlobWriter inOddChunks(byte[] content) {
        return out -> {
            for (int off = 0; off < content.length; off += 999) {
                out.write(content, off, Math.min(999, content.length - off));
            }
        };
    }

    private static byte[] read(AzureBlobStore store, String key) {
        try (InputStream in = store.get(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> keys(AzureBlobStore store, String prefix) {
        try (Stream<BlobInfo> s = store.list(prefix)) {
            return s.map(BlobInfo::key).toList();
        }
    }

    private static byte[] random(long seed, int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }
}
