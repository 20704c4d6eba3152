package io.walkeeper.storage.s3;

import io.walkeeper.api.InvalidRequestException;
import java.nio.charset.StandardCharsets;

/**
 * The key rules of the {@link io.walkeeper.spi.BlobStore} SPI, checked before a key reaches S3:
 * non-empty, relative, no empty, {@code .} or {@code ..} segment, no NUL or backslash, valid
 * Unicode, and at most 1,024 UTF-8 bytes once the store's prefix is added (the S3 limit).
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
        if (key == null || key.isEmpty()) {
            throw new InvalidRequestException("An object key is required, got " + (key == null ? "null" : "''"));
        }
        checkCharacters(key, "object key");
        for (String segment : key.split("/", -1)) {
            checkSegment(key, segment, "object key");
        }
        int bytes = rootLength + key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            throw invalid("object key", key, "with the store's prefix it is " + bytes
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
     * Tells whether {@code key}, found in a listing, is a key of this store. Objects written by
     * other tools may break the rules (a "folder" marker ending in {@code /}, a {@code //}); they
     * are not listed.
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
