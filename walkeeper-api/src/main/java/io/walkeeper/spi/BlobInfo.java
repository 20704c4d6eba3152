package io.walkeeper.spi;

import java.time.Instant;

/**
 * The listing or {@code head} entry of a stored object.
 *
 * @param key the object key, relative to the store's root
 * @param size the object's size in bytes
 * @param lastModified when it was written
 */
public record BlobInfo(String key, long size, Instant lastModified) {
}
