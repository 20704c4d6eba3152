package io.walkeeper.spi;

import java.io.InputStream;
import java.net.URI;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An object store holding a walkeeper repository: flat keys relative to a root (a bucket and
 * prefix, a directory), no directories, whole objects written atomically. This is the one
 * interface a storage back end implements; every implementation must pass the contract suite
 * in {@code walkeeper-testkit}.
 *
 * <p>Keys are non-empty, use {@code /} as separator, and never start with {@code /} or contain
 * {@code .} or {@code ..} segments. Implementations are thread-safe. After {@link #close()} every
 * call fails with a {@link io.walkeeper.api.StorageException}.
 */
public interface BlobStore extends AutoCloseable {

    /**
     * Returns where this store lives, for messages.
     *
     * @return the location URI, without credentials
     */
    URI location();

    /**
     * Opens an object for reading.
     *
     * @param key the object key
     * @return the object's bytes; the caller closes it
     * @throws io.walkeeper.api.NotFoundException if there is no such object
     * @throws io.walkeeper.api.StorageException if the store cannot be read
     */
    InputStream get(String key);

    /**
     * Opens an object for reading from an offset on (a ranged read). Used to resume a download
     * that failed part-way. The default reads and discards the first {@code offset} bytes;
     * stores that can seek should override it.
     *
     * @param key the object key
     * @param offset the first byte to return, at most the object's size
     * @return the object's bytes from {@code offset}; the caller closes it
     * @throws io.walkeeper.api.NotFoundException if there is no such object
     * @throws io.walkeeper.api.StorageException if the store cannot be read
     */
    default InputStream get(String key, long offset) {
        InputStream in = get(key);
        try {
            in.skipNBytes(offset);
            return in;
        } catch (java.io.IOException e) {
            try {
                in.close();
            } catch (java.io.IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new io.walkeeper.api.StorageException("Cannot read '" + key + "' from offset " + offset + " in "
                    + location() + ": " + e.getMessage(), e, true);
        }
    }

    /**
     * Looks an object up.
     *
     * @param key the object key
     * @return its size, time and the metadata it was created with, or empty if it does not exist
     * @throws io.walkeeper.api.StorageException if the store cannot be read
     */
    Optional<BlobInfo> head(String key);

    /**
     * Lists the objects whose key starts with {@code prefix}, in ascending key order (by UTF-8
     * bytes). The stream may fetch pages lazily and must be closed.
     *
     * @param prefix a key prefix, possibly empty
     * @return the matching objects
     * @throws io.walkeeper.api.StorageException if the store cannot be listed
     */
    Stream<BlobInfo> list(String prefix);

    /**
     * Creates an object that must not exist yet (put-if-absent). Readers see either nothing or
     * the complete object.
     *
     * @param key the object key
     * @param writer produces the content
     * @throws io.walkeeper.api.AlreadyExistsException if the key exists; it is left untouched
     * @throws io.walkeeper.api.StorageException if the store cannot be written or the writer fails
     */
    void create(String key, BlobWriter writer);

    /**
     * Creates an object that must not exist yet, with user metadata stored with it atomically
     * (S3 and GCS object metadata, Azure blob metadata, extended attributes on a file system).
     * walkeeper stores the SHA-256 of an object's plaintext this way, so that a host holding only
     * a public encryption key can tell an identical object from a different one. A store that
     * cannot keep metadata (the default) stores the object without it; readers treat absent
     * metadata as unknown, never as a mismatch. Names and values follow {@link BlobMetadata}.
     *
     * @param key the object key
     * @param metadata name to value; may be empty
     * @param writer produces the content
     * @throws io.walkeeper.api.AlreadyExistsException if the key exists; it is left untouched
     * @throws io.walkeeper.api.StorageException if the store cannot be written or the writer fails
     */
    default void create(String key, Map<String, String> metadata, BlobWriter writer) {
        BlobMetadata.check(metadata);
        create(key, writer);
    }

    /**
     * Writes an object, replacing any object of that key atomically.
     *
     * @param key the object key
     * @param writer produces the content
     * @throws io.walkeeper.api.StorageException if the store cannot be written or the writer fails
     */
    void put(String key, BlobWriter writer);

    /**
     * Deletes objects. Keys that do not exist are ignored.
     *
     * @param keys the keys to delete
     * @throws io.walkeeper.api.StorageException if a delete fails
     */
    void delete(Collection<String> keys);

    /**
     * Removes what interrupted writes left behind that is not an object and never listed: a file
     * store's hidden temporary files, an object store's incomplete multipart uploads. Only what
     * was started before {@code olderThan} is touched, so writes in progress are safe when the
     * cut-off is older than any write can take. The default (a store that leaves nothing behind)
     * removes nothing.
     *
     * @param olderThan only leftovers started before this are removed
     * @param dryRun {@code true} to count without removing
     * @return how many leftovers were (or would be) removed
     * @throws io.walkeeper.api.StorageException if the store cannot be listed or a leftover cannot be removed
     */
    default long removeAbandonedWrites(java.time.Instant olderThan, boolean dryRun) {
        return 0;
    }

    /** Releases the store's resources. Idempotent. */
    @Override
    void close();
}
