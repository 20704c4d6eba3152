package io.walkeeper.storage.azure;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.storage.azure.AzureFailures.Operation;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The stream a {@link io.walkeeper.spi.BlobWriter} writes one block blob into, of a length known
 * only at the end. Up to one block is buffered; if the object ends within it, one Put Blob stores
 * it. Otherwise each full block is staged in the background (at most {@code concurrency} at once,
 * the writer waiting for a free slot, so memory stays within {@code concurrency + 1} blocks) and
 * {@link #commit()} commits the block list. Creates carry {@code If-None-Match: *} on that final
 * request. Block ids are random per upload, so concurrent uploads of one key never mix blocks;
 * an upload that is not committed leaves only uncommitted blocks, which Azure never shows and
 * discards after a week.
 *
 * <p>Used by one writer thread; not thread-safe.
 */
final class BlockUpload extends OutputStream {
    /** Azure's limit of blocks in one blob. */
    static final int MAX_BLOCKS = 50_000;
    private static final int FIRST_BUFFER = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AzureBlobStore store;
    private final BlockBlobClient blob;
    private final String key;
    private final boolean create;
    private final int blockSize;
    private final int concurrency;
    private final ExecutorService executor;
    private final Semaphore slots;
    private final byte[] uploadId = new byte[16];
    private final List<String> blockIds = new ArrayList<>();
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    private final AtomicReference<WalKeeperException> failure = new AtomicReference<>();
    private final Map<String, String> metadata;

    private byte[] buffer;
    private int count;
    private long total;
    private boolean finished;
    private volatile boolean aborted;

    BlockUpload(AzureBlobStore store, BlockBlobClient blob, String key, boolean create, Map<String, String> metadata,
            int blockSize, int concurrency, ExecutorService executor) {
        this.store = store;
        this.metadata = metadata;
        this.blob = blob;
        this.key = key;
        this.create = create;
        this.blockSize = blockSize;
        this.concurrency = concurrency;
        this.executor = executor;
        this.slots = new Semaphore(concurrency);
        RANDOM.nextBytes(uploadId);
        this.buffer = new byte[Math.min(FIRST_BUFFER, blockSize)];
    }

    private Operation operation() {
        return create ? Operation.CREATE : Operation.WRITE;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (finished) {
            throw new IOException("Cannot write to '" + key + "' any more: its upload has ended");
        }
        throwIfFailed();
        while (len > 0) {
            if (count == buffer.length) {
                if (buffer.length < blockSize) {
                    buffer = Arrays.copyOf(buffer, (int) Math.min(blockSize, 2L * buffer.length));
                } else {
                    stageBuffer();
                }
            }
            int n = Math.min(len, buffer.length - count);
            System.arraycopy(b, off, buffer, count, n);
            count += n;
            total += n;
            off += n;
            len -= n;
        }
    }

    /** Does nothing: the store, not the writer, ends the upload. */
    @Override
    public void close() {
        // committed by the store after the writer returns
    }

    /** Returns the failure of a background block upload, if one failed. */
    WalKeeperException failure() {
        return failure.get();
    }

    /**
     * Stores what was written: one Put Blob, or the last block and the block list.
     *
     * @throws io.walkeeper.api.AlreadyExistsException if creating and the key exists
     * @throws StorageException if a request fails
     */
    void commit() throws IOException {
        throwIfFailed();
        if (blockIds.isEmpty()) {
            finished = true;
            store.checkOpen(operation(), key);
            BlockBlobSimpleUploadOptions options = new BlockBlobSimpleUploadOptions(body(buffer, count))
                    .setRequestConditions(conditions()).setMetadata(metadata.isEmpty() ? null : metadata);
            try {
                blob.uploadWithResponse(options, null, Context.NONE);
            } catch (RuntimeException e) {
                throw store.failures().translate(operation(), key, e);
            }
            return;
        }
        if (count > 0) {
            stageBuffer();
        }
        finished = true;
        awaitStaging();
        throwIfFailed();
        store.checkOpen(operation(), key);
        try {
            blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(blockIds)
                    .setRequestConditions(conditions()).setMetadata(metadata.isEmpty() ? null : metadata), null, Context.NONE);
        } catch (RuntimeException e) {
            throw store.failures().translate(operation(), key, e);
        }
    }

    /**
     * Gives up and commits nothing: blocks not yet sent are skipped, and the ones being sent are
     * waited for (not cancelled, which would leave the SDK reporting the cancellation as an
     * error), so that no request of this upload outlives the call. Idempotent.
     */
    void abort() {
        finished = true;
        aborted = true;
        try {
            awaitStaging();
        } catch (IOException e) {
            // interrupted while cleaning up: the blocks in flight end by themselves
        }
        buffer = null;
        synchronized (spare) {
            spare.clear();
        }
    }

    private BlobRequestConditions conditions() {
        return create ? new BlobRequestConditions().setIfNoneMatch("*") : null;
    }

    private void stageBuffer() throws IOException {
        if (blockIds.size() >= MAX_BLOCKS) {
            throw new StorageException(store.failures().cannot(operation(), key) + ": it is larger than "
                    + MAX_BLOCKS + " blocks of " + blockSize + " bytes, Azure's limit of one blob; raise "
                    + AzureSettings.BLOCK_SIZE, null, false);
        }
        if (blockIds.isEmpty() && create) {
            refuseIfExists();
        }
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to upload a block of '" + key + "'");
        }
        throwIfFailedReleasing();
        String blockId = blockId(blockIds.size());
        blockIds.add(blockId);
        byte[] data = buffer;
        int length = count;
        try {
            executor.execute(() -> stage(blockId, data, length));
        } catch (RejectedExecutionException e) {
            slots.release();
            store.checkOpen(operation(), key);
            throw new StorageException(store.failures().cannot(operation(), key) + ": the store is closing", e, false);
        }
        synchronized (spare) {
            buffer = spare.isEmpty() ? new byte[blockSize] : spare.pop();
        }
        count = 0;
    }

    /** Refuses a create before sending a large object that could never be committed. */
    private void refuseIfExists() {
        boolean exists;
        try {
            exists = blob.exists();
        } catch (RuntimeException e) {
            throw store.failures().translate(operation(), key, e);
        }
        if (exists) {
            throw new AlreadyExistsException(store.failures().cannot(operation(), key)
                    + ": the object exists already; it was left untouched");
        }
    }

    private void stage(String blockId, byte[] data, int length) {
        try {
            if (failure.get() == null && !aborted) {
                blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(blockId, body(data, length)), null,
                        Context.NONE);
            }
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, store.failures().translate(operation(), key, e));
        } finally {
            synchronized (spare) {
                spare.push(data);
            }
            slots.release();
        }
    }

    /** Waits until no block is being staged. */
    private void awaitStaging() throws IOException {
        try {
            if (!slots.tryAcquire(concurrency, AzureClientFactory.IO_TIMEOUT.toSeconds() * 4, TimeUnit.SECONDS)) {
                failure.compareAndSet(null, new StorageException(store.failures().cannot(operation(), key)
                        + ": blocks did not finish uploading in time", null, true));
                return;
            }
            slots.release(concurrency);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the blocks of '" + key + "'");
        }
    }

    private void throwIfFailed() {
        WalKeeperException f = failure.get();
        if (f != null) {
            throw f;
        }
    }

    private void throwIfFailedReleasing() {
        if (failure.get() != null) {
            slots.release();
            throwIfFailed();
        }
    }

    /**
     * Wraps the first {@code length} bytes of {@code data} as a request body. A byte array (not a
     * {@code ByteBuffer}) makes the JDK HTTP client send it in 8 KiB slices; a whole block in one
     * buffer would make the JDK copy it into a temporary direct buffer of the block's size, cached
     * per HTTP client thread, which exhausts direct memory.
     */
    private static BinaryData body(byte[] data, int length) {
        return BinaryData.fromBytes(length == data.length ? data : Arrays.copyOf(data, length));
    }

    /** Returns a block id: the upload's random id and the block's index, base64, all of one length. */
    private String blockId(int index) {
        ByteBuffer id = ByteBuffer.allocate(uploadId.length + Integer.BYTES);
        id.put(uploadId).putInt(index);
        return Base64.getEncoder().encodeToString(id.array());
    }

    /** Returns how many bytes were written. */
    long size() {
        return total;
    }
}
