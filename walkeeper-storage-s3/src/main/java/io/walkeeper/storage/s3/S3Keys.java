package io.walkeeper.storage.s3;

import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.spi.BlobKeys;
import java.nio.charset.StandardCharsets;

/**
 * The key rules of the {@link io.walkeeper.spi.BlobStore} SPI ({@link BlobKeys}), checked before
 * a key reaches S3, and S3's limit: at most 1,024 UTF-8 bytes once the store's prefix is added.
 */
final class S3Keys {

    /** The longest S3 object key, in UTF-8 bytes. */
    static final int MAX_KEY_BYTES = 1024;

    private S3Keys() {
    }

    /**
     * Checks an object key.
     *
     * @param key the key, relative to the store's root
     * @param rootLength the UTF-8 length of the store's prefix including its trailing {@code /}
     * @return the key
     * @throws InvalidRequestException naming the key and the rule it breaks
     */
    static String checkKey(String key, int rootLength) {
        BlobKeys.checkKey(key);
        int bytes = rootLength + key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            throw BlobKeys.invalid("object key", key, "with the store's prefix it is " + bytes
                    + " UTF-8 bytes long, and S3 keys have at most " + MAX_KEY_BYTES);
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
     * Tells whether {@code key}, found in a listing, is a key of this store. Objects written by
     * other tools may break the rules (a "folder" marker ending in {@code /}, a {@code //}); they
     * are not listed.
     */
    static boolean isValidKey(String key) {
        return BlobKeys.isValidKey(key);
    }
}
