package io.walkeeper.storage.gcs;

import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.spi.BlobKeys;
import java.nio.charset.StandardCharsets;

/**
 * The key rules of the {@link io.walkeeper.spi.BlobStore} SPI ({@link BlobKeys}), plus the limits of Google Cloud
 * Storage object names: at most 1024 UTF-8 bytes (prefix included), and no carriage return or
 * line feed.
 */
final class GcsKeys {
    /** The longest object name Google Cloud Storage accepts, in UTF-8 bytes. */
    static final int MAX_NAME_BYTES = 1024;

    private GcsKeys() {
    }

    /**
     * Checks a key and returns its object name.
     *
     * @param location the store's bucket and prefix
     * @param key the key
     * @return the object name
     * @throws InvalidRequestException naming the key and the rule it breaks
     */
    static String objectName(GcsLocation location, String key) {
        BlobKeys.checkKey(key);
        String reason = serviceProblem(key);
        if (reason != null) {
            throw BlobKeys.invalid("object key", key, reason);
        }
        String name = location.objectName(key);
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            throw BlobKeys.invalid("object key", key, "with the prefix '" + location.prefix() + "' its object name has "
                    + bytes + " UTF-8 bytes; Google Cloud Storage allows " + MAX_NAME_BYTES);
        }
        return name;
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
        BlobKeys.checkPrefix(prefix);
        String reason = serviceProblem(prefix);
        if (reason != null) {
            throw BlobKeys.invalid("key prefix", prefix, reason);
        }
        return prefix;
    }

    /**
     * Tells what is wrong with a key, or {@code null} if nothing is.
     *
     * @param key a non-empty key
     * @return the broken rule, or {@code null}
     */
    static String problem(String key) {
        String reason = BlobKeys.problem(key);
        return reason != null ? reason : serviceProblem(key);
    }

    private static String serviceProblem(String key) {
        if (key.indexOf('\r') >= 0 || key.indexOf('\n') >= 0) {
            return "it contains a line break, which Google Cloud Storage object names cannot hold";
        }
        return null;
    }
}
