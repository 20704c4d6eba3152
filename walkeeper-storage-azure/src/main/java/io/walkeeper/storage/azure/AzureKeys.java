package io.walkeeper.storage.azure;

import io.walkeeper.api.InvalidRequestException;

/**
 * The key rules of the {@link io.walkeeper.spi.BlobStore} SPI, checked before a key reaches Azure:
 * non-empty, relative, no empty, {@code .} or {@code ..} segment, no NUL or backslash, valid
 * Unicode; and Azure's limits once the store's prefix is added: at most 1,024 characters and 254
 * segments.
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
        if (key == null || key.isEmpty()) {
            throw new InvalidRequestException("An object key is required, got " + (key == null ? "null" : "''"));
        }
        checkCharacters(key, "object key");
        String[] segments = key.split("/", -1);
        for (String segment : segments) {
            checkSegment(key, segment, "object key");
        }
        int length = rootLength + key.codePointCount(0, key.length());
        if (length > MAX_NAME_LENGTH) {
            throw invalid("object key", key, "with the store's prefix it is " + length + " characters long, and Azure "
                    + "blob names have at most " + MAX_NAME_LENGTH);
        }
        if (segments.length > MAX_SEGMENTS) {
            throw invalid("object key", key, "it has " + segments.length + " segments, and Azure blob names have at most "
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
        if (prefix == null) {
            throw new InvalidRequestException("A key prefix is required (use '' to list everything)");
        }
        checkCharacters(prefix, "key prefix");
        String[] segments = prefix.split("/", -1);
        for (int i = 0; i < segments.length - 1; i++) {
            checkSegment(prefix, segments[i], "key prefix");
        }
        return prefix;
    }

    /**
     * Tells whether {@code key}, found in a listing, is a key of this store. Blobs written by other
     * tools may break the rules (a "folder" marker ending in {@code /}, a {@code //}); they are not
     * listed.
     */
    static boolean isValidKey(String key) {
        try {
            checkKey(key, 0);
            return true;
        } catch (InvalidRequestException e) {
            return false;
        }
    }

    private static void checkCharacters(String key, String what) {
        if (key.startsWith("/")) {
            throw invalid(what, key, "it starts with '/'; keys are relative to the store's root");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == 0) {
                throw invalid(what, key, "it contains a NUL character");
            }
            if (c == '\\') {
                throw invalid(what, key, "it contains a backslash; use '/' to separate segments");
            }
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalid(what, key, "it contains an unpaired UTF-16 surrogate, which is not valid Unicode");
            }
        }
    }

    private static void checkSegment(String key, String segment, String what) {
        if (segment.isEmpty()) {
            throw invalid(what, key, "it has an empty segment ('//' or a trailing '/')");
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw invalid(what, key, "it has a '" + segment + "' segment");
        }
    }

    private static InvalidRequestException invalid(String what, String key, String reason) {
        return new InvalidRequestException("Invalid " + what + " '" + key.replace("\0", "\\0") + "': " + reason);
    }
}
