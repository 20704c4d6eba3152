package io.walkeeper.spi;

import java.time.Instant;
import java.util.Map;

/**
 * The listing or {@code head} entry of a stored object.
 *
 * @param key the object key, relative to the store's root
 * @param size the object's size in bytes
 * @param lastModified when it was written
 * @param metadata the user metadata the object was created with, as {@link BlobStore#head}
 *     returns it; listings may leave it empty
 */
public record BlobInfo(String key, long size, Instant lastModified, Map<String, String> metadata) {

    /** Copies the metadata. */
    public BlobInfo {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /**
     * An entry without metadata, as listings return.
     *
     * @param key the object key
     * @param size the size in bytes
     * @param lastModified when it was written
     */
    public BlobInfo(String key, long size, Instant lastModified) {
        this(key, size, lastModified, Map.of());
    }
}
