package io.walkeeper.storage.azure;

import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobMetadata;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.BlobWriter;
import io.walkeeper.storage.azure.AzureFailures.Operation;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobDownloadAsyncResponse;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.DownloadRetryOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A {@link BlobStore} in an Azure Blob Storage container, under an optional prefix: key {@code k}
 * is the block blob {@code PREFIX/k}. Opened by {@link AzureStorageProvider}.
 *
 * <p>Writes buffer up to one block ({@link AzureSettings#BLOCK_SIZE}); an object that fits is
 * stored with one Put Blob, a larger one is staged block by block ({@link AzureSettings#UPLOAD_CONCURRENCY}
 * at once) and committed with Put Block List, so readers see either nothing or the whole object,
 * and a writer that fails leaves nothing visible. {@link #create} sends {@code If-None-Match: *}
 * with that final request, which Azure evaluates atomically. Reads stream the response without
 * buffering the object; {@link #get(String, long)} is a ranged read. Listings page lazily; Azure
 * sorts names by UTF-16 code units, and the few names whose order differs by UTF-8 bytes (those
 * with characters beyond U+FFFF) are put in UTF-8 order. Deletes of several keys run in parallel.
 *
 * <p>The SDK's own retries are off: every failure is reported at once, as a
 * {@link StorageException} whose {@link StorageException#isRetryable()} tells walkeeper's retry
 * layer whether to try again (time-outs, connection failures, throttling, 5xx) or not (missing
 * container, denied access, other refusals). Thread-safe.
 */
public final class AzureBlobStore implements BlobStore {
    private static final int DELETE_CONCURRENCY = 8;
    /** Blobs per listing page: the service's maximum. */
    static final int LIST_PAGE_SIZE = 5000;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final URI location;
    private final AzureLocation where;
    private final AzureProperties properties;
    private final BlobContainerClient container;
    private final BlobContainerAsyncClient asyncContainer;
    private final AzureFailures failures;
    private final ExecutorService executor;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int listPageSize = LIST_PAGE_SIZE;

    AzureBlobStore(AzureLocation where, AzureProperties properties, BlobContainerClient container,
            BlobContainerAsyncClient asyncContainer, AzureFailures failures) {
        this.location = where.uri();
        this.where = where;
        this.properties = properties;
        this.container = container;
        this.asyncContainer = asyncContainer;
        this.failures = failures;
        this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "walkeeper-azure-" + THREADS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    @Override
    public URI location() {
        return location;
    }

    /**
     * Returns the container this store keeps its objects in.
     *
     * @return the container name
     */
    public String container() {
        return where.container();
    }

    /**
     * Returns the blob name prefix of this store's keys.
     *
     * @return the prefix without trailing {@code /}, possibly empty
     */
    public String prefix() {
        return where.prefix();
    }

    /**
     * Opens an object for reading; the response is streamed, not buffered.
     *
     * @param key the object key
     * @return the object's bytes; the caller closes it
     * @throws io.walkeeper.api.InvalidRequestException if the key is malformed
     * @throws io.walkeeper.api.NotFoundException if there is no such object
     * @throws StorageException if the store is closed or the object cannot be read
     */
    @Override
    public InputStream get(String key) {
        return get(key, 0);
    }

    /**
     * Opens an object for reading from {@code offset} on, with a ranged download.
     *
     * @param key the object key
     * @param offset the first byte to return, at most the object's size
     * @return the object's bytes from {@code offset}; the caller closes it
     * @throws io.walkeeper.api.InvalidRequestException if the key is malformed
     * @throws io.walkeeper.api.NotFoundException if there is no such object
     * @throws StorageException if the store is closed or the object cannot be read
     */
    @Override
    public InputStream get(String key, long offset) {
        checkOpen(Operation.READ, key);
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " < 0");
        }
        String name = blobName(key);
        BlobDownloadAsyncResponse response;
        try {
            response = asyncContainer.getBlobAsyncClient(name)
                    .downloadStreamWithResponse(offset == 0 ? null : new BlobRange(offset),
                            new DownloadRetryOptions().setMaxRetryRequests(0), null, false)
                    .block();
        } catch (RuntimeException e) {
            if (offset > 0 && isRangeNotSatisfiable(e)) {
                return emptyIfAtEnd(key, offset, e);
            }
            throw failures.translate(Operation.READ, key, e);
        }
        if (response == null) {
            throw new StorageException(failures.cannot(Operation.READ, key) + ": the service sent no response", null, true);
        }
        return new DownloadStream(response.getValue(), offset, "'" + key + "' from " + location,
                t -> failures.translate(Operation.READ, key, t));
    }

    private static boolean isRangeNotSatisfiable(RuntimeException e) {
        BlobStorageException service = AzureFailures.find(e, BlobStorageException.class);
        return service != null && AzureFailures.status(service) == 416;
    }

    /** A read starting at the end of the object is empty; one past it is an error. */
    private InputStream emptyIfAtEnd(String key, long offset, RuntimeException rangeFailure) {
        BlobInfo info = head(key).orElseThrow(() -> new NotFoundException(failures.cannot(Operation.READ, key)
                + ": no such object"));
        if (info.size() == offset) {
            return InputStream.nullInputStream();
        }
        throw new StorageException(failures.cannot(Operation.READ, key) + " from offset " + offset
                + ": the object has only " + info.size() + " bytes", rangeFailure, false);
    }

    /**
     * Looks an object up with Get Blob Properties.
     *
     * @param key the object key
     * @return its size and time, or empty if it does not exist
     * @throws io.walkeeper.api.InvalidRequestException if the key is malformed
     * @throws StorageException if the store is closed or the container cannot be read
     */
    @Override
    public Optional<BlobInfo> head(String key) {
        checkOpen(Operation.LOOK_UP, key);
        String name = blobName(key);
        BlobProperties properties;
        try {
            properties = container.getBlobClient(name).getProperties();
        } catch (RuntimeException e) {
            if (AzureFailures.isBlobNotFound(e)) {
                return Optional.empty();
            }
            throw failures.translate(Operation.LOOK_UP, key, e);
        }
        if (isDirectory(properties.getMetadata())) {
            return Optional.empty();
        }
        return Optional.of(new BlobInfo(key, properties.getBlobSize(), properties.getLastModified().toInstant(),
                properties.getMetadata()));
    }

    /**
     * Lists objects, one page of up to 5,000 at a time as the stream is consumed. The first page
     * is fetched before this returns, so a missing container or denied access fails here.
     *
     * @param prefix a key prefix, possibly empty
     * @return the matching objects in ascending UTF-8 key order
     * @throws io.walkeeper.api.InvalidRequestException if the prefix is malformed
     * @throws StorageException if the store is closed or the container cannot be listed
     */
    @Override
    public Stream<BlobInfo> list(String prefix) {
        checkOpen(Operation.LIST, prefix);
        AzureKeys.checkPrefix(prefix);
        BlobPageLister lister = new BlobPageLister(this, container, where.blobName(prefix), where.rootLength(),
                prefix, listPageSize);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(new Utf8OrderIterator(lister),
                Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL), false);
    }

    /**
     * Creates an object that must not exist yet: the final Put Blob or Put Block List carries
     * {@code If-None-Match: *}. An object larger than one block is refused before its blocks are
     * sent if the key exists already.
     *
     * @param key the object key
     * @param writer produces the content
     * @throws io.walkeeper.api.AlreadyExistsException if the key exists; it is left untouched
     * @throws io.walkeeper.api.InvalidRequestException if the key is malformed
     * @throws StorageException if the store is closed, a request fails or the writer fails
     */
    @Override
    public void create(String key, BlobWriter writer) {
        write(key, writer, true, Map.of());
    }

    /** As {@link #create(String, BlobWriter)}, with the metadata as blob metadata, set by the same commit. */
    @Override
    public void create(String key, Map<String, String> metadata, BlobWriter writer) {
        BlobMetadata.check(metadata);
        write(key, writer, true, metadata);
    }

    /**
     * Writes an object, replacing any object of that key atomically.
     *
     * @param key the object key
     * @param writer produces the content
     * @throws io.walkeeper.api.InvalidRequestException if the key is malformed
     * @throws StorageException if the store is closed, a request fails or the writer fails
     */
    @Override
    public void put(String key, BlobWriter writer) {
        write(key, writer, false, Map.of());
    }

    private void write(String key, BlobWriter writer, boolean create, Map<String, String> metadata) {
        Operation op = create ? Operation.CREATE : Operation.WRITE;
        checkOpen(op, key);
        Objects.requireNonNull(writer, "writer");
        String name = blobName(key);
        BlockUpload upload = new BlockUpload(this, container.getBlobClient(name).getBlockBlobClient(), key, create,
                metadata, properties.blockSize(), properties.uploadConcurrency(), executor);
        boolean committed = false;
        try {
            writer.writeTo(upload);
            upload.commit();
            committed = true;
        } catch (IOException e) {
            WalKeeperException failed = upload.failure();
            if (failed != null) {
                failed.addSuppressed(e);
                throw failed;
            }
            if (e instanceof InterruptedIOException || Thread.currentThread().isInterrupted()) {
                throw new WalKeeperException(ErrorCode.INTERRUPTED, failures.cannot(op, key)
                        + ": interrupted; nothing was stored", e);
            }
            throw new StorageException(failures.cannot(op, key) + ": producing the content failed (" + e
                    + "); nothing was stored", e, false);
        } catch (RuntimeException e) {
            WalKeeperException failed = upload.failure();
            if (failed != null && failed != e) {
                failed.addSuppressed(e);
                throw failed;
            }
            throw e;
        } finally {
            if (!committed) {
                upload.abort();
            }
        }
    }

    /**
     * Deletes objects (and their snapshots), up to eight at a time. Keys that do not exist are
     * ignored.
     *
     * @param keys the keys to delete
     * @throws io.walkeeper.api.InvalidRequestException if a key is malformed; nothing is deleted
     * @throws StorageException if the store is closed or a delete fails
     */
    @Override
    public void delete(Collection<String> keys) {
        checkOpen(Operation.DELETE, keys.size() + " object(s)");
        List<String> names = new ArrayList<>(keys.size());
        for (String key : keys) {
            names.add(blobName(key));
        }
        List<String> list = List.copyOf(keys);
        if (list.size() == 1) {
            deleteOne(list.get(0), names.get(0));
            return;
        }
        Semaphore slots = new Semaphore(DELETE_CONCURRENCY);
        List<Future<?>> futures = new ArrayList<>(list.size());
        try {
            for (int i = 0; i < list.size(); i++) {
                String key = list.get(i);
                String name = names.get(i);
                slots.acquire();
                futures.add(executor.submit(() -> {
                    try {
                        deleteOne(key, name);
                    } finally {
                        slots.release();
                    }
                }));
            }
            WalKeeperException first = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    WalKeeperException w = e.getCause() instanceof WalKeeperException x ? x
                            : failures.translate(Operation.DELETE, keys.size() + " object(s)", e.getCause());
                    if (first == null) {
                        first = w;
                    } else if (first != w) {
                        first.addSuppressed(w);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new WalKeeperException(ErrorCode.INTERRUPTED, failures.cannot(Operation.DELETE, keys.size()
                    + " object(s)") + ": interrupted; some may be deleted", e);
        } catch (RejectedExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            throw new StorageException(failures.cannot(Operation.DELETE, keys.size() + " object(s)")
                    + ": store is closed", e, false);
        }
    }

    private void deleteOne(String key, String name) {
        try {
            container.getBlobClient(name).deleteWithResponse(DeleteSnapshotsOptionType.INCLUDE, null, null,
                    Context.NONE);
        } catch (RuntimeException e) {
            if (!AzureFailures.isBlobNotFound(e)) {
                throw failures.translate(Operation.DELETE, key, e);
            }
        }
    }

    /** Marks the store closed; later calls fail, uploads in progress fail before committing. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            executor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "AzureBlobStore(" + location + ")";
    }

    /** Sets the listing page size; for tests of paging. */
    void listPageSize(int size) {
        this.listPageSize = size;
    }

    AzureFailures failures() {
        return failures;
    }

    void checkOpen(Operation op, String key) {
        if (closed.get()) {
            throw new StorageException(failures.cannot(op, key) + ": store is closed", null, false);
        }
    }

    private String blobName(String key) {
        return where.blobName(AzureKeys.checkKey(key, where.rootLength()));
    }

    /** Tells whether blob metadata marks a directory of a hierarchical-namespace account. */
    static boolean isDirectory(Map<String, String> metadata) {
        return metadata != null && "true".equalsIgnoreCase(metadata.get("hdi_isfolder"));
    }
}
