package io.walkeeper.storage.gcs;

import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobField;
import com.google.cloud.storage.Storage.BlobGetOption;
import com.google.cloud.storage.Storage.BlobWriteOption;
import io.walkeeper.api.StorageException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobMetadata;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.BlobWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} in a Google Cloud Storage bucket, under an optional prefix: the key
 * {@code wal/000000010000000000000001.zst} of {@code gs://bucket/pg/main} is the object
 * {@code pg/main/wal/000000010000000000000001.zst}. A thin adapter over the client's JSON API:
 *
 * <ul>
 *   <li>{@link #put} and {@link #create} stream the writer's bytes into a resumable upload,
 *       holding at most one chunk ({@value GcsSettings#CHUNK_SIZE}) in memory. The object appears
 *       only when the upload is finished after the writer returned; if the writer fails, the upload
 *       is abandoned unfinished and nothing appears (the service discards the unfinished session
 *       after a week). {@link #create} sets the {@code doesNotExist()} precondition
 *       ({@code ifGenerationMatch=0}), which the service checks when the upload starts and when it
 *       finishes, so of two concurrent creators exactly one wins.</li>
 *   <li>{@link #get} streams the object; {@link #get(String, long)} starts at an offset.</li>
 *   <li>{@link #list} pages through the bucket lazily, 1000 objects a page; the service lists names
 *       in UTF-8 byte order, which is the order the SPI asks for. Names under the prefix that are not
 *       valid keys, such as the {@code folder/} placeholders the Cloud Console creates, are skipped.</li>
 *   <li>{@link #delete} sends batches of up to 100 deletes.</li>
 * </ul>
 *
 * <p>The client's own retries are off: failures are translated by {@link GcsErrors} into
 * exceptions whose {@link StorageException#isRetryable()} tells walkeeper's storage layer whether
 * to try again. {@link #head} of an object in a bucket that does not exist returns empty (the
 * service answers both with 404); listing and writing name the missing bucket.
 *
 * <p>Thread-safe. {@link #close()} closes the client; streams already opened keep working.
 */
public final class GcsBlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(GcsBlobStore.class);
    private static final int WRITE_BUFFER_SIZE = 64 * 1024;
    private static final BlobField[] INFO_FIELDS = {BlobField.NAME, BlobField.SIZE, BlobField.UPDATED};
    private static final BlobField[] HEAD_FIELDS = {BlobField.NAME, BlobField.SIZE, BlobField.UPDATED, BlobField.METADATA};

    private final Storage storage;
    private final GcsLocation where;
    private final URI location;
    private final int chunkSize;
    private final GcsErrors errors;
    private final GcsDeleter deleter;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GcsBlobStore(Storage storage, GcsLocation where, int chunkSize) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.where = Objects.requireNonNull(where, "location");
        this.location = where.uri();
        this.chunkSize = chunkSize;
        this.errors = new GcsErrors(where);
        this.deleter = new GcsDeleter(storage, where, errors);
    }

    /**
     * Opens a store at {@code gs://bucket/prefix} with a client built from {@code settings}. Sends
     * no request: a missing bucket or missing permissions show on the first call.
     *
     * @param location the store's root, {@code gs://bucket} or {@code gs://bucket/prefix}
     * @param settings the provider settings
     * @return the store; closing it closes the client
     * @throws io.walkeeper.api.ConfigurationException if the location is invalid or the credentials
     *     cannot be read or found
     */
    public static GcsBlobStore open(URI location, GcsSettings settings) {
        GcsLocation where = GcsLocation.parse(location);
        return new GcsBlobStore(GcsClients.create(settings, where), where, settings.chunkSize());
    }

    /**
     * Builds a store on a client the caller made, such as the in-memory fake of
     * {@code LocalStorageHelper} in tests. The client should not retry by itself (see
     * {@link GcsClients}). The store takes the client over and closes it.
     *
     * @param storage the client
     * @param location the store's root, {@code gs://bucket} or {@code gs://bucket/prefix}
     * @param chunkSize the resumable upload chunk size in bytes
     * @return the store
     */
    static GcsBlobStore using(Storage storage, URI location, int chunkSize) {
        return new GcsBlobStore(storage, GcsLocation.parse(location), chunkSize);
    }

    @Override
    public URI location() {
        return location;
    }

    @Override
    public InputStream get(String key) {
        return get(key, 0);
    }

    /**
     * Opens an object for reading from {@code offset}, with one request; a missing object fails here,
     * not at the first read. A failure part-way is thrown as an {@link IOException} if retrying may
     * help, so that the caller can resume from where it stopped, and as a
     * {@link io.walkeeper.api.WalKeeperException} otherwise.
     *
     * @param key the object key
     * @param offset the first byte to return, at most the object's size
     * @return the object's bytes from {@code offset}; the caller closes it
     * @throws io.walkeeper.api.NotFoundException if there is no such object
     * @throws io.walkeeper.api.InvalidRequestException if the key is malformed
     * @throws StorageException if the store is closed or the object cannot be read
     */
    @Override
    public InputStream get(String key, long offset) {
        checkOpen("read '" + key + "'");
        BlobId id = BlobId.of(where.bucket(), GcsKeys.objectName(where, key));
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        ReadChannel channel;
        try {
            channel = storage.reader(id);
            if (offset > 0) {
                channel.seek(offset);
            }
        } catch (IOException | RuntimeException e) {
            throw errors.translate("read", key, GcsErrors.Target.OBJECT, e);
        }
        return DownloadStream.open(channel, errors, key, "'" + key + "' in " + location, offset);
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        checkOpen("look up '" + key + "'");
        BlobId id = BlobId.of(where.bucket(), GcsKeys.objectName(where, key));
        Blob blob;
        try {
            blob = storage.get(id, BlobGetOption.fields(HEAD_FIELDS));
        } catch (RuntimeException e) {
            throw errors.translate("look up", key, GcsErrors.Target.OBJECT, e);
        }
        return blob == null ? Optional.empty() : Optional.of(info(key, blob));
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        checkOpen("list '" + prefix + "'");
        GcsKeys.checkPrefix(prefix);
        return GcsListing.stream(storage, where, errors, prefix, INFO_FIELDS);
    }

    /**
     * Creates an object that must not exist yet, with the {@code doesNotExist()} precondition.
     *
     * @param key the object key
     * @param writer produces the content
     * @throws io.walkeeper.api.AlreadyExistsException if the key exists; it is left untouched
     * @throws io.walkeeper.api.InvalidRequestException if the key is malformed
     * @throws StorageException if the store is closed, the upload fails or the writer fails with an
     *     {@link IOException}; a {@link RuntimeException} of the writer is rethrown as it is
     */
    @Override
    public void create(String key, BlobWriter writer) {
        create(key, Map.of(), writer);
    }

    /** As {@link #create(String, BlobWriter)}, with the metadata as the object's custom metadata. */
    @Override
    public void create(String key, Map<String, String> metadata, BlobWriter writer) {
        BlobMetadata.check(metadata);
        checkOpen("create '" + key + "'");
        upload("create", key, metadata, writer, BlobWriteOption.doesNotExist());
    }

    @Override
    public void put(String key, BlobWriter writer) {
        checkOpen("write '" + key + "'");
        upload("write", key, Map.of(), writer);
    }

    /**
     * Deletes objects, in batches of up to 100. Keys that do not exist are ignored.
     *
     * @param keys the keys to delete
     * @throws io.walkeeper.api.InvalidRequestException if a key is malformed; nothing is deleted
     * @throws StorageException if the store is closed or a delete fails
     */
    @Override
    public void delete(Collection<String> keys) {
        checkOpen("delete " + keys.size() + " object(s)");
        deleter.delete(keys);
    }

    /** Closes the client; later calls fail. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                storage.close();
            } catch (Exception e) {
                LOG.debug("Closing the storage client of {} failed: {}", location, e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "GcsBlobStore(" + location + ")";
    }

    private void upload(String action, String key, Map<String, String> metadata, BlobWriter writer,
                        BlobWriteOption... options) {
        Objects.requireNonNull(writer, "writer");
        com.google.cloud.storage.BlobInfo target = com.google.cloud.storage.BlobInfo
                .newBuilder(where.bucket(), GcsKeys.objectName(where, key))
                .setMetadata(metadata.isEmpty() ? null : metadata).build();
        WriteChannel channel;
        try {
            channel = storage.writer(target, options);
            channel.setChunkSize(chunkSize);
        } catch (RuntimeException e) {
            throw errors.translate(action, key, GcsErrors.Target.BUCKET, e);
        }
        // On every failure below the channel is dropped without close(): an unfinished resumable
        // upload never becomes an object, whereas close() would finish it with the partial content.
        UploadStream upload = new UploadStream(channel);
        BufferedOutputStream out = new BufferedOutputStream(upload, WRITE_BUFFER_SIZE);
        try {
            writer.writeTo(out);
            out.flush();
        } catch (IOException e) {
            if (upload.failure() != null) {
                throw errors.translate(action, key, GcsErrors.Target.BUCKET, upload.failure());
            }
            throw new StorageException("Cannot " + action + " '" + key + "' in " + location + ": producing the "
                    + "content failed (" + e + "); nothing was stored", e, false);
        }
        checkOpen(action + " '" + key + "'");
        try {
            channel.close();
        } catch (IOException | RuntimeException e) {
            throw errors.translate(action, key, GcsErrors.Target.BUCKET, e);
        }
    }

    private BlobInfo info(String key, Blob blob) {
        BlobInfo plain = info(key, blob.getSize(), blob.getUpdateTimeOffsetDateTime());
        Map<String, String> metadata = blob.getMetadata();
        return metadata == null ? plain : new BlobInfo(key, plain.size(), plain.lastModified(), metadata);
    }

    static BlobInfo info(String key, Long size, OffsetDateTime updated) {
        return new BlobInfo(key, size == null ? 0 : size, updated == null ? Instant.EPOCH : updated.toInstant());
    }

    private void checkOpen(String action) {
        if (closed.get()) {
            throw new StorageException("Cannot " + action + " in " + location + ": store is closed", null);
        }
    }
}
