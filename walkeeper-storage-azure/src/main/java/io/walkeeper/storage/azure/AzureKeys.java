package io.walkeeper.storage.azure;

import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.spi.BlobKeys;

/**
 * The key rules of the {@link io.walkeeper.spi.BlobStore} SPI ({@link BlobKeys}), checked before
 * a key reaches Azure, and Azure's limits once the store's prefix is added: at most 1,024
 * characters and 254 segments.
 */
final class AzureKeys {

    /** The longest blob name, in characters. */
    static final int MAX_NAME_LENGTH = 1024;
    /** The most {@code /}-separated segments of a blob name. */
    static final int MAX_SEGMENTS = 254;

    private AzureKeys() {
    }

    /**
     * Checks an object key.
     *
     * @param key the key, relative to the store's root
     * @param rootLength the length of the store's prefix including its trailing {@code /}
     * @return the key
     * @throws InvalidRequestException naming the key and the rule it breaks
     */
    static String checkKey(String key, int rootLength) {
        BlobKeys.checkKey(key);
        int length = rootLength + key.codePointCount(0, key.length());
        if (length > MAX_NAME_LENGTH) {
            throw BlobKeys.invalid("object key", key, "with the store's prefix it is " + length + " characters long, "
                    + "and Azure blob names have at most " + MAX_NAME_LENGTH);
        }
        int segments = key.split("/", -1).length;
        if (segments > MAX_SEGMENTS) {
            throw BlobKeys.invalid("object key", key, "it has " + segments + " segments, and Azure blob names have at most "
                    + MAX_SEGMENTS);
        }
        return key;
    }

    /**
     * Checks a listing prefix: like a key, except that it may be empty and its last segment may be
     * empty or partial.
     *
     * @param prefix the prefix
     * @return the prefix
     * @throws InvalidRequestException naming the prefix and the rule it breaks
     */
    static String checkPrefix(String prefix) {
        return BlobKeys.checkPrefix(prefix);
    }

    /**
     * Tells whether {@code key}, found in a listing, is a key of this store. Blobs written by other
     * tools may break the rules (a "folder" marker ending in {@code /}, a {@code //}); they are not
     * listed.
     */
    static boolean isValidKey(String key) {
        return BlobKeys.isValidKey(key);
    }
}
