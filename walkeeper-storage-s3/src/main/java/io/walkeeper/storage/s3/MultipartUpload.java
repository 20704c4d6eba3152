package io.walkeeper.storage.s3;

import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.storage.s3.S3Errors.Operation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * One multipart upload: parts are uploaded on the store's part threads, at most
 * {@code s3.upload-concurrency} at once; {@link #submit} blocks while that many are in flight, so
 * an upload never holds more than that many part buffers plus the one being filled. Buffers of
 * finished parts are reused. The object becomes visible only when {@link #complete()} succeeds;
 * {@link #abort()} waits for the parts in flight and then aborts the upload so that S3 drops its
 * parts.
 *
 * <p>Used by one writer thread; the part threads only report back through thread-safe fields.
 */
final class MultipartUpload {
    private static final Logger LOG = LoggerFactory.getLogger(MultipartUpload.class);

    /** The most parts of one S3 multipart upload. */
    static final int MAX_PARTS = 10_000;
    private static final long ABORT_WAIT_MINUTES = 5;

    private final S3BlobStore store;
    private final String key;
    private final String s3Key;
    private final Operation operation;
    private final String uploadId;
    private final int concurrency;
    private final Semaphore inFlight;
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private final Queue<byte[]> freeBuffers = new ConcurrentLinkedQueue<>();
    private final AtomicReference<WalKeeperException> failure = new AtomicReference<>();
    private volatile boolean abandoned;
    private boolean finished;

    private MultipartUpload(S3BlobStore store, String key, String s3Key, Operation operation, String uploadId) {
        this.store = store;
        this.key = key;
        this.s3Key = s3Key;
        this.operation = operation;
        this.uploadId = uploadId;
        this.concurrency = store.properties().uploadConcurrency();
        this.inFlight = new Semaphore(concurrency);
    }

    /**
     * Starts a multipart upload (CreateMultipartUpload) with the store's encryption and storage
     * class, and the object's user metadata.
     *
     * @throws WalKeeperException if S3 refuses
     */
    static MultipartUpload start(S3BlobStore store, String key, String s3Key, Operation operation,
                                 java.util.Map<String, String> metadata) {
        S3Properties p = store.properties();
        CreateMultipartUploadRequest.Builder request = CreateMultipartUploadRequest.builder()
                .bucket(store.bucket())
                .key(s3Key)
                .metadata(metadata)
                .contentType(S3BlobStore.CONTENT_TYPE);
        if (p.sse() != null) {
            request.serverSideEncryption(p.sse()).ssekmsKeyId(p.sseKmsKeyId());
        }
        if (p.storageClass() != null) {
            request.storageClass(p.storageClass());
        }
        String uploadId;
        try {
            uploadId = store.client().createMultipartUpload(request.build()).uploadId();
        } catch (RuntimeException e) {
            throw store.errors().failure(operation, S3BlobStore.quote(key), e);
        }
        LOG.debug("Started multipart upload {} of '{}' in {}", uploadId, key, store.location());
        return new MultipartUpload(store, key, s3Key, operation, uploadId);
    }

    /**
     * Uploads {@code buffer[0..length)} as the next part, in the background. Waits while
     * {@code s3.upload-concurrency} parts are in flight.
     *
     * @throws IOException if an earlier part failed or the wait is interrupted; {@link #failure()}
     *     then holds the reason
     */
    void submit(byte[] buffer, int length) throws IOException {
        throwIfFailed();
        int partNumber = parts.size() + 1;
        if (partNumber > MAX_PARTS) {
            throw fail(new StorageException(store.errors().attempt(operation, S3BlobStore.quote(key))
                    + "the object is larger than " + MAX_PARTS + " parts of " + store.properties().partSize()
                    + " bytes, the most S3 takes (HINT: raise " + S3Settings.PART_SIZE + ")", null, false));
        }
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(new WalKeeperException(ErrorCode.INTERRUPTED, store.errors().attempt(operation,
                    S3BlobStore.quote(key)) + "interrupted while uploading", e));
        }
        try {
            parts.add(store.partExecutor().submit(() -> uploadPart(partNumber, buffer, length)));
        } catch (RejectedExecutionException e) {
            inFlight.release();
            throw fail(store.closedFailure(operation, S3BlobStore.quote(key)));
        }
    }

    /** Returns a buffer for the next part: one of a finished part, or a new one. */
    byte[] nextBuffer() {
        byte[] buffer = freeBuffers.poll();
        return buffer != null ? buffer : new byte[store.properties().partSize()];
    }

    /** Returns why the upload failed, or {@code null}. */
    WalKeeperException failure() {
        return failure.get();
    }

    /**
     * Waits for every part and completes the upload, with {@code If-None-Match: *} for a create
     * when conditional writes are on.
     *
     * @throws WalKeeperException if a part failed or S3 refuses to complete
     */
    void complete() {
        List<CompletedPart> completed = new ArrayList<>(parts.size());
        for (Future<CompletedPart> part : parts) {
            try {
                CompletedPart done = part.get();
                if (done != null) {
                    completed.add(done);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failIfFirst(new WalKeeperException(ErrorCode.INTERRUPTED, store.errors().attempt(operation,
                        S3BlobStore.quote(key)) + "interrupted while waiting for its parts", e));
            } catch (ExecutionException e) {
                throw failIfFirst(store.errors().failure(operation, S3BlobStore.quote(key), e.getCause()));
            }
        }
        WalKeeperException failed = failure.get();
        if (failed != null) {
            throw failed;
        }
        CompleteMultipartUploadRequest.Builder request = CompleteMultipartUploadRequest.builder()
                .bucket(store.bucket())
                .key(s3Key)
                .uploadId(uploadId)
                .multipartUpload(CompletedMultipartUpload.builder().parts(completed).build());
        if (operation == Operation.CREATE && store.properties().conditionalWrites()) {
            request.ifNoneMatch("*");
        }
        try {
            store.client().completeMultipartUpload(request.build());
        } catch (RuntimeException e) {
            throw store.errors().failure(operation, S3BlobStore.quote(key), e);
        }
        finished = true;
        LOG.debug("Completed multipart upload {} of '{}' ({} parts) in {}", uploadId, key, completed.size(),
                store.location());
    }

    /**
     * Abandons the upload: parts not yet started are skipped, parts in flight are waited for, and
     * the upload is aborted so that no object appears and S3 frees the parts. A failure to abort
     * is logged, not thrown: the error that caused the abort is the one to report. Does nothing
     * after a successful {@link #complete()}.
     */
    void abort() {
        if (finished) {
            return;
        }
        finished = true;
        abandoned = true;
        boolean interrupted = Thread.interrupted();
        try {
            if (inFlight.tryAcquire(concurrency, ABORT_WAIT_MINUTES, TimeUnit.MINUTES)) {
                inFlight.release(concurrency);
            } else {
                LOG.warn("Parts of multipart upload {} of '{}' in {} are still uploading after {} minutes; aborting "
                        + "anyway", uploadId, key, store.location(), ABORT_WAIT_MINUTES);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        try {
            store.client().abortMultipartUpload(b -> b.bucket(store.bucket()).key(s3Key).uploadId(uploadId));
            LOG.debug("Aborted multipart upload {} of '{}' in {}", uploadId, key, store.location());
        } catch (RuntimeException e) {
            LOG.warn("Cannot abort multipart upload {} of '{}' in {} ({}); its parts are kept, and billed, until it "
                    + "is aborted (HINT: add a lifecycle rule AbortIncompleteMultipartUpload to the bucket)",
                    uploadId, key, store.location(), e.toString());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private CompletedPart uploadPart(int partNumber, byte[] buffer, int length) {
        try {
            if (abandoned || failure.get() != null) {
                return null;
            }
            UploadPartRequest request = UploadPartRequest.builder()
                    .bucket(store.bucket())
                    .key(s3Key)
                    .uploadId(uploadId)
                    .partNumber(partNumber)
                    .contentLength((long) length)
                    .build();
            UploadPartResponse response = store.client().uploadPart(request, RequestBody.fromContentProvider(
                    () -> new ByteArrayInputStream(buffer, 0, length), length, S3BlobStore.CONTENT_TYPE));
            return CompletedPart.builder().partNumber(partNumber).eTag(response.eTag()).build();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, store.errors().failure(operation,
                    S3BlobStore.quote(key) + " (part " + partNumber + ")", e));
            return null;
        } finally {
            freeBuffers.offer(buffer);
            inFlight.release();
        }
    }

    private void throwIfFailed() throws IOException {
        WalKeeperException failed = failure.get();
        if (failed != null) {
            throw new UploadFailedException(failed);
        }
    }

    private IOException fail(WalKeeperException e) {
        WalKeeperException first = failIfFirst(e);
        return e.errorCode() == ErrorCode.INTERRUPTED ? interrupted(first) : new UploadFailedException(first);
    }

    private WalKeeperException failIfFirst(WalKeeperException e) {
        return failure.compareAndSet(null, e) ? e : failure.get();
    }

    private static IOException interrupted(WalKeeperException e) {
        InterruptedIOException io = new InterruptedIOException(e.getMessage());
        io.initCause(e);
        return io;
    }

    /** Tells the writer that the upload failed; the store reports {@link #failure()} instead. */
    static final class UploadFailedException extends IOException {
        private static final long serialVersionUID = 1L;

        UploadFailedException(WalKeeperException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
