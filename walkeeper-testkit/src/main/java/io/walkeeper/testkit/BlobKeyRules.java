package io.walkeeper.testkit;

import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.spi.BlobKeys;
import java.util.Comparator;

/** The key rules of the {@link io.walkeeper.spi.BlobStore} SPI and the key order of listings, as {@link BlobKeys} states them. */
final class BlobKeyRules {

    /** Orders keys by their UTF-8 bytes. */
    static final Comparator<String> UTF8_ORDER = BlobKeys.UTF8_ORDER;

    private BlobKeyRules() {
    }

    /**
     * Checks a key.
     *
     * @param key the key
     * @return the key
     * @throws InvalidRequestException naming the key and the rule it breaks
     */
    static String checkKey(String key) {
        return BlobKeys.checkKey(key);
    }

    /**
     * Checks a listing prefix.
     *
     * @param prefix the prefix
     * @return the prefix
     * @throws InvalidRequestException naming the prefix and the rule it breaks
     */
    static String checkPrefix(String prefix) {
        return BlobKeys.checkPrefix(prefix);
    }
}
