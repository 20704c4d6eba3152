package io.walkeeper.storage.gcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.walkeeper.api.StorageException;
import io.walkeeper.spi.BlobInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter on {@code LocalStorageHelper}'s fake as it is, single-threaded: the client's own
 * resumable upload and read channels, several chunks long, which {@link GcsBlobStoreContractTest}
 * replaces by staging. It also pins down the fake's gaps that {@link CorrectedFakeStorage} works
 * around; if a newer fake closes one, its test here fails, and the workaround can go.
 */
class GcsBlobStoreOnRawFakeTest {
    private static final int CHUNK = 256 * 1024;

    private GcsBlobStore store;

    @BeforeEach
    void open() {
        store = GcsBlobStore.using(LocalStorageHelper.customOptions(false).getService(),
                URI.create("gs://walkeeper-test/repo"), CHUNK);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private byte[] read(String key, long offset) throws IOException {
        try (InputStream in = store.get(key, offset)) {
            return in.readAllBytes();
        }
    }

    @Test
    void multiChunkUploadsAndRangedReadsUseTheClientsChannels() throws IOException {
        byte[] content = new byte[4 * CHUNK + 123];
        new Random(3).nextBytes(content);
        store.put("base/part_1", out -> out.write(content));
        store.create("base/part_2", out -> {
            for (int off = 0; off < content.length; off += 777) {
                out.write(content, off, Math.min(777, content.length - off));
            }
        });
        for (String key : List.of("base/part_1", "base/part_2")) {
            assertArrayEquals(content, read(key, 0), key);
            assertArrayEquals(Arrays.copyOfRange(content, 300_000, content.length), read(key, 300_000), key);
            assertArrayEquals(new byte[0], read(key, content.length), key);
            assertEquals(content.length, store.head(key).orElseThrow().size());
        }
        try (Stream<BlobInfo> listed = store.list("base/")) {
            assertEquals(Set.of("base/part_1", "base/part_2"), listed.map(BlobInfo::key).collect(Collectors.toSet()));
        }
        store.delete(List.of("base/part_1", "base/part_2", "base/missing"));
        assertEquals(Optional.empty(), store.head("base/part_1"));
        assertEquals(Optional.empty(), store.head("base/part_2"));
    }

    @Test
    void gapFailedPreconditionIsCodeZeroNot412() {
        store.create("wal/1", out -> out.write(1));
        // The service answers 412, which becomes AlreadyExistsException (GcsHttpTransportTest); the
        // fake's code 0 with an I/O cause looks like a network failure.
        StorageException e = assertThrows(StorageException.class, () -> store.create("wal/1", out -> out.write(2)));
        assertTrue(e.isRetryable(), e.getMessage());
        assertTrue(e.getMessage().contains("FileAlreadyExistsException"), e.getMessage());
    }

    @Test
    void gapAnAbandonedUploadStaysVisible() {
        assertThrows(StorageException.class, () -> store.create("wal/2", out -> {
            out.write(new byte[CHUNK + 1]);
            throw new IOException("simulated");
        }));
        // The service shows nothing; the fake shows the object as it started, with no size.
        assertEquals(Optional.of(0L), store.head("wal/2").map(BlobInfo::size));
    }

    @Test
    void gapListingsAreCutAtOnePage() {
        int count = GcsListing.PAGE_SIZE + 5;
        IntStream.range(0, count).forEach(i -> store.put("many/" + i, out -> out.write(i)));
        try (Stream<BlobInfo> listed = store.list("many/")) {
            assertEquals(GcsListing.PAGE_SIZE, listed.count());
        }
        assertFalse(store.head("many/" + (count - 1)).isEmpty());
    }
}
