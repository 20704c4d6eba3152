package io.walkeeper.storage.s3;

import io.walkeeper.api.WalKeeperException;
import io.walkeeper.storage.s3.S3Errors.Operation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.util.Map;

/**
 * The stream a {@link io.walkeeper.spi.BlobWriter} writes one object into. Bytes are buffered up
 * to one part ({@code s3.part-size}); an object that fits is sent with a single PutObject when
 * the writer is done, a larger one becomes a {@link MultipartUpload} as soon as the first part is
 * full. The first buffer starts small and grows, so that small objects cost little memory.
 *
 * <p>{@link #close()} does nothing: the store ends the object with {@link #commit()} after the
 * writer returns, or {@link #abort()} if it fails. Not thread-safe, like any output stream.
 */
final class S3Upload extends OutputStream {
    private static final int FIRST_BUFFER = 64 * 1024;

    private final S3BlobStore store;
    private final String key;
    private final String s3Key;
    private final Operation operation;
    private final Map<String, String> metadata;
    private final int partSize;
    private byte[] buffer;
    private int count;
    private MultipartUpload multipart;
    private WalKeeperException startFailure;

    S3Upload(S3BlobStore store, String key, String s3Key, Operation operation, Map<String, String> metadata) {
        this.store = store;
        this.key = key;
        this.s3Key = s3Key;
        this.operation = operation;
        this.metadata = metadata;
        this.partSize = store.properties().partSize();
        this.buffer = new byte[Math.min(FIRST_BUFFER, partSize)];
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length) {
            makeRoom(1);
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            if (count == buffer.length) {
                makeRoom(len);
            }
            int n = Math.min(len, buffer.length - count);
            System.arraycopy(b, off, buffer, count, n);
            count += n;
            off += n;
            len -= n;
        }
    }

    /** Ignored: the store, not the writer, ends the object. */
    @Override
    public void close() {
    }

    /** Grows the first buffer towards a whole part, or hands a full part to the multipart upload. */
    private void makeRoom(int wanted) throws IOException {
        if (buffer.length < partSize) {
            long size = Math.max(2L * buffer.length, (long) count + wanted);
            buffer = java.util.Arrays.copyOf(buffer, (int) Math.min(partSize, size));
            return;
        }
        if (multipart == null) {
            try {
                multipart = MultipartUpload.start(store, key, s3Key, operation, metadata);
            } catch (WalKeeperException e) {
                startFailure = e;
                throw new MultipartUpload.UploadFailedException(e);
            }
        }
        multipart.submit(buffer, count);
        buffer = multipart.nextBuffer();
        count = 0;
    }

    /**
     * Returns why the upload failed underneath the writer (a part, or starting the multipart
     * upload), or {@code null}: when the writer then throws, this is the error to report.
     */
    WalKeeperException failure() {
        if (startFailure != null) {
            return startFailure;
        }
        return multipart == null ? null : multipart.failure();
    }

    /**
     * Publishes the object: a single PutObject, or the last part and CompleteMultipartUpload.
     *
     * @throws WalKeeperException if S3 refuses; {@link io.walkeeper.api.AlreadyExistsException} if a
     *     create finds the key taken
     */
    void commit() {
        if (multipart == null) {
            putSingle();
            return;
        }
        try {
            if (count > 0) {
                multipart.submit(buffer, count);
            }
        } catch (IOException e) {
            WalKeeperException failed = multipart.failure();
            throw failed != null ? failed : store.errors().failure(operation, S3BlobStore.quote(key), e);
        }
        buffer = null;
        multipart.complete();
    }

    /** Abandons the object after a failure; nothing becomes visible. */
    void abort() {
        buffer = null;
        if (multipart != null) {
            multipart.abort();
        }
    }

    private void putSingle() {
        S3Properties p = store.properties();
        PutObjectRequest.Builder request = PutObjectRequest.builder().metadata(metadata)
                .bucket(store.bucket())
                .key(s3Key)
                .contentLength((long) count)
                .contentType(S3BlobStore.CONTENT_TYPE);
        if (p.sse() != null) {
            request.serverSideEncryption(p.sse()).ssekmsKeyId(p.sseKmsKeyId());
        }
        if (p.storageClass() != null) {
            request.storageClass(p.storageClass());
        }
        if (operation == Operation.CREATE && p.conditionalWrites()) {
            request.ifNoneMatch("*");
        }
        byte[] content = buffer;
        int length = count;
        try {
            store.client().putObject(request.build(), RequestBody.fromContentProvider(
                    () -> new ByteArrayInputStream(content, 0, length), length, S3BlobStore.CONTENT_TYPE));
        } catch (RuntimeException e) {
            throw store.errors().failure(operation, S3BlobStore.quote(key), e);
        }
    }
}
