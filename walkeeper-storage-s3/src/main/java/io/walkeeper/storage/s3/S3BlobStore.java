package io.walkeeper.storage.s3;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobMetadata;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.BlobWriter;
import io.walkeeper.storage.s3.S3Errors.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A {@link BlobStore} in an S3 bucket, or under a key prefix of one: store key {@code k} is the S3
 * key {@code prefix/k}. Works with Amazon S3 and S3-compatible services (MinIO, Ceph) through the
 * AWS SDK v2 with its blocking Apache HTTP client. The SDK does not retry: every failure is
 * reported once, as a {@link StorageException} whose {@link StorageException#isRetryable()} says
 * whether walkeeper's retry layer should try again.
 *
 * <p>Writes stream with bounded memory: content is buffered up to {@code s3.part-size}; an object
 * that fits is sent with one PutObject, a larger one as a multipart upload with up to
 * {@code s3.upload-concurrency} parts in flight (so at most that many plus one part buffers per
 * upload). A failed write aborts the multipart upload; no object becomes visible. {@link #create}
 * is atomic with {@code If-None-Match: *} on the request that publishes the object (PutObject or
 * CompleteMultipartUpload); with {@code s3.conditional-writes=false}, for services without
 * conditional writes, it checks that the key is absent and then writes, which is not atomic.
 *
 * <p>A missing bucket and refused credentials fail every call at once with a message saying what
 * to check. Thread-safe.
 */
public final class S3BlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);

    /** The content type of every object written. */
    static final String CONTENT_TYPE = "application/octet-stream";
    /** The most keys of one DeleteObjects request. */
    static final int DELETE_BATCH = 1000;

    private final S3Location s3Location;
    private final URI location;
    private final S3Properties properties;
    private final S3Client client;
    private final S3Errors errors;
    private final ExecutorService partExecutor;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean bucketSeen = new AtomicBoolean();
    private final AtomicBoolean nonAtomicCreateLogged = new AtomicBoolean();

    private S3BlobStore(S3Location s3Location, S3Properties properties, S3Client client) {
        this.s3Location = s3Location;
        this.location = s3Location.toUri();
        this.properties = properties;
        this.client = client;
        this.errors = new S3Errors(location, s3Location.bucket(), properties.describeEndpoint());
        AtomicInteger threads = new AtomicInteger();
        String name = "walkeeper-s3-part-" + s3Location.bucket() + "-";
        this.partExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens a store; the same as {@link S3StorageProvider#open}. No request is sent yet: a missing
     * bucket or bad credentials surface on the first call.
     *
     * @param location {@code s3://bucket} or {@code s3://bucket/prefix}
     * @param settings the {@link S3Settings} keys; keys of other namespaces are ignored
     * @return the open store; the caller closes it
     * @throws io.walkeeper.api.ConfigurationException if the location or a setting is invalid
     */
    public static S3BlobStore open(URI location, Map<String, String> settings) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(settings, "settings");
        S3Location s3Location = S3Location.parse(location);
        S3Properties properties = S3Properties.parse(location, settings);
        S3Client client = S3ClientFactory.build(location, properties);
        LOG.debug("Opened S3 storage at {} with {}", s3Location.toUri(), properties);
        return new S3BlobStore(s3Location, properties, client);
    }

    @Override
    public URI location() {
        return location;
    }

    /**
     * Opens an object for reading with GetObject, streaming from the connection. Closing the
     * stream before its end aborts the connection.
     *
     * @throws InvalidRequestException if the key is malformed
     * @throws NotFoundException if there is no such object
     * @throws StorageException if the store is closed or S3 fails
     */
    @Override
    public InputStream get(String key) {
        checkOpen(Operation.READ, quote(key));
        S3Keys.checkKey(key, s3Location.rootBytes());
        return open(key, 0);
    }

    /**
     * Opens an object from {@code offset} on with a ranged GetObject ({@code Range: bytes=offset-});
     * an offset equal to the object's size gives an empty stream.
     *
     * @throws InvalidRequestException if the key is malformed, or the offset negative or beyond
     *     the object's end
     * @throws NotFoundException if there is no such object
     * @throws StorageException if the store is closed or S3 fails
     */
    @Override
    public InputStream get(String key, long offset) {
        checkOpen(Operation.READ, quote(key));
        S3Keys.checkKey(key, s3Location.rootBytes());
        if (offset < 0) {
            throw new InvalidRequestException("Cannot read '" + key + "' in " + location + " from offset " + offset
                    + ": the offset is negative");
        }
        return open(key, offset);
    }

    private InputStream open(String key, long offset) {
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket()).key(s3Location.toS3Key(key));
        if (offset > 0) {
            request.range("bytes=" + offset + "-");
        }
        ResponseInputStream<GetObjectResponse> response;
        try {
            response = client.getObject(request.build());
        } catch (S3Exception e) {
            if (offset > 0 && e.statusCode() == 416) {
                return atEnd(key, offset, e);
            }
            throw errors.failure(Operation.READ, quote(key), e);
        } catch (RuntimeException e) {
            throw errors.failure(Operation.READ, quote(key), e);
        }
        // a service that ignores the range sends the whole object
        boolean whole = offset > 0 && response.response().contentRange() == null;
        S3ObjectInputStream in = new S3ObjectInputStream(response, quote(key) + " in " + location, whole ? 0 : offset);
        if (whole) {
            try {
                in.skipNBytes(offset);
            } catch (IOException e) {
                closeQuietly(in, e);
                throw errors.failure(Operation.READ, quote(key) + " from offset " + offset, e);
            }
        }
        return in;
    }

    /** A ranged read was refused (416): fine if the offset is exactly the end of the object. */
    private InputStream atEnd(String key, long offset, S3Exception rangeError) {
        long size = head(key).orElseThrow(() -> new NotFoundException(errors.attempt(Operation.READ, quote(key))
                + "no such object", rangeError)).size();
        if (size == offset) {
            return InputStream.nullInputStream();
        }
        throw new InvalidRequestException(errors.attempt(Operation.READ, quote(key)) + "offset " + offset
                + " is beyond the object's end (" + size + " bytes)", rangeError);
    }

    /**
     * Looks an object up with HeadObject. HEAD answers carry no error body, so on the first 404
     * the store checks once (HeadBucket) that the bucket exists, to report a missing bucket
     * instead of a missing key.
     *
     * @throws InvalidRequestException if the key is malformed
     * @throws StorageException if the store is closed, the bucket does not exist or S3 fails
     */
    @Override
    public Optional<BlobInfo> head(String key) {
        checkOpen(Operation.HEAD, quote(key));
        S3Keys.checkKey(key, s3Location.rootBytes());
        HeadObjectResponse response;
        try {
            response = client.headObject(b -> b.bucket(bucket()).key(s3Location.toS3Key(key)));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                checkBucketExists(Operation.HEAD, quote(key), e);
                return Optional.empty();
            }
            throw errors.failure(Operation.HEAD, quote(key), e);
        } catch (RuntimeException e) {
            throw errors.failure(Operation.HEAD, quote(key), e);
        }
        return Optional.of(new BlobInfo(key, response.contentLength(), response.lastModified(), response.metadata()));
    }

    private void checkBucketExists(Operation operation, String subject, S3Exception notFound) {
        if (bucketSeen.get()) {
            return;
        }
        try {
            client.headBucket(b -> b.bucket(bucket()));
            bucketSeen.set(true);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                StorageException missing = errors.noSuchBucket(errors.attempt(operation, subject), e);
                missing.addSuppressed(notFound);
                throw missing;
            }
            // 403 (no s3:ListBucket) or a passing failure: the key's 404 stands
            LOG.debug("Cannot check that bucket '{}' exists: {}", bucket(), e.toString());
        } catch (RuntimeException e) {
            LOG.debug("Cannot check that bucket '{}' exists: {}", bucket(), e.toString());
        }
    }

    /**
     * Lists with ListObjectsV2, fetching the first page now and the others as the stream reaches
     * them.
     *
     * @throws InvalidRequestException if the prefix is malformed
     * @throws StorageException if the store is closed or S3 fails, now or while the stream is read
     */
    @Override
    public Stream<BlobInfo> list(String prefix) {
        checkOpen(Operation.LIST, quote(prefix));
        S3Keys.checkPrefix(prefix);
        S3Lister lister = new S3Lister(this, prefix);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(lister,
                Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL), false);
    }

    /**
     * Creates an object that must not exist yet: atomically with {@code If-None-Match: *}, or, with
     * {@code s3.conditional-writes=false}, by checking that the key is absent and then writing,
     * where two writers creating the same key at the same instant can both succeed, the later
     * replacing the earlier (a warning is logged once).
     *
     * @throws AlreadyExistsException if the key exists; it is left untouched
     * @throws InvalidRequestException if the key is malformed
     * @throws StorageException if the store is closed, S3 fails or the writer fails
     */
    @Override
    public void create(String key, BlobWriter writer) {
        create(key, Map.of(), writer);
    }

    /** As {@link #create(String, BlobWriter)}, with the metadata as S3 user metadata ({@code x-amz-meta-*}). */
    @Override
    public void create(String key, Map<String, String> metadata, BlobWriter writer) {
        BlobMetadata.check(metadata);
        checkOpen(Operation.CREATE, quote(key));
        S3Keys.checkKey(key, s3Location.rootBytes());
        Objects.requireNonNull(writer, "writer");
        if (!properties.conditionalWrites()) {
            if (nonAtomicCreateLogged.compareAndSet(false, true)) {
                LOG.warn("{}: {}=false, so creating an object checks that its key is absent and then writes it; two "
                        + "writers creating the same key at the same instant can both succeed", location,
                        S3Settings.CONDITIONAL_WRITES);
            }
            if (head(key).isPresent()) {
                throw new AlreadyExistsException(errors.attempt(Operation.CREATE, quote(key))
                        + "the object already exists and was left untouched");
            }
        }
        write(key, writer, Operation.CREATE, metadata);
    }

    /**
     * Writes an object, replacing any object of that key when the upload completes.
     *
     * @throws InvalidRequestException if the key is malformed
     * @throws StorageException if the store is closed, S3 fails or the writer fails
     */
    @Override
    public void put(String key, BlobWriter writer) {
        checkOpen(Operation.PUT, quote(key));
        S3Keys.checkKey(key, s3Location.rootBytes());
        Objects.requireNonNull(writer, "writer");
        write(key, writer, Operation.PUT, Map.of());
    }

    private void write(String key, BlobWriter writer, Operation operation, Map<String, String> metadata) {
        S3Upload upload = new S3Upload(this, key, s3Location.toS3Key(key), operation, metadata);
        boolean committed = false;
        try {
            try {
                writer.writeTo(upload);
            } catch (IOException e) {
                WalKeeperException underneath = upload.failure();
                if (underneath != null) {
                    throw underneath;
                }
                throw new StorageException(errors.attempt(operation, quote(key)) + "the content could not be produced ("
                        + e + "); nothing was stored", e, false);
            }
            checkOpen(operation, quote(key));
            upload.commit();
            committed = true;
        } finally {
            if (!committed) {
                upload.abort();
            }
        }
    }

    /**
     * Deletes with DeleteObjects, up to 1,000 keys a request. Keys that do not exist are ignored.
     *
     * @throws InvalidRequestException if a key is malformed; nothing is deleted
     * @throws StorageException if the store is closed, a request fails, or S3 reports keys it could
     *     not delete (named in the message)
     */
    @Override
    public void delete(Collection<String> keys) {
        checkOpen(Operation.DELETE, keys.size() + " object(s)");
        Map<String, String> byS3Key = new LinkedHashMap<>();
        for (String key : keys) {
            S3Keys.checkKey(key, s3Location.rootBytes());
            byS3Key.put(s3Location.toS3Key(key), key);
        }
        List<String> all = new ArrayList<>(byS3Key.keySet());
        List<S3Error> refused = new ArrayList<>();
        for (int from = 0; from < all.size(); from += DELETE_BATCH) {
            List<ObjectIdentifier> batch = all.subList(from, Math.min(all.size(), from + DELETE_BATCH)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build())
                    .toList();
            DeleteObjectsResponse response;
            try {
                response = client.deleteObjects(b -> b.bucket(bucket())
                        .delete(Delete.builder().objects(batch).quiet(true).build()));
            } catch (RuntimeException e) {
                throw errors.failure(Operation.DELETE, batch.size() + " object(s)", e);
            }
            refused.addAll(response.errors());
        }
        if (!refused.isEmpty()) {
            throw errors.deleteRefused(refused, byS3Key, all.size());
        }
    }

    /** Closes the SDK client and its connections; later calls fail. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            partExecutor.shutdown();
            client.close();
        }
    }

    @Override
    public String toString() {
        return "S3BlobStore(" + location + ", " + properties.describeEndpoint() + ")";
    }

    String bucket() {
        return s3Location.bucket();
    }

    S3Location s3Location() {
        return s3Location;
    }

    S3Properties properties() {
        return properties;
    }

    S3Client client() {
        return client;
    }

    S3Errors errors() {
        return errors;
    }

    ExecutorService partExecutor() {
        return partExecutor;
    }

    void checkOpen(Operation operation, String subject) {
        if (closed.get()) {
            throw closedFailure(operation, subject);
        }
    }

    StorageException closedFailure(Operation operation, String subject) {
        return new StorageException(errors.attempt(operation, subject) + "store is closed", null);
    }

    static String quote(String key) {
        return "'" + String.valueOf(key).replace("\0", "\\0") + "'";
    }

    private static void closeQuietly(InputStream in, Exception failure) {
        try {
            in.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
