package io.walkeeper.storage.gcs;

import io.walkeeper.api.InvalidRequestException;
import java.nio.charset.StandardCharsets;

/**
 * The key rules of the {@link io.walkeeper.spi.BlobStore} SPI, plus the limits of Google Cloud
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
        if (key == null || key.isEmpty()) {
            throw new InvalidRequestException("An object key is required, got " + (key == null ? "null" : "''"));
        }
        String reason = problem(key);
        if (reason != null) {
            throw invalid("object key", key, reason);
        }
        String name = location.objectName(key);
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            throw invalid("object key", key, "with the prefix '" + location.prefix() + "' its object name has " + bytes
                    + " UTF-8 bytes; Google Cloud Storage allows " + MAX_NAME_BYTES);
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
        if (prefix == null) {
            throw new InvalidRequestException("A key prefix is required (use '' to list everything)");
        }
        int slash = prefix.lastIndexOf('/');
        String reason = characterProblem(prefix);
        if (reason == null && slash >= 0) {
            reason = problem(prefix.substring(0, slash));
        }
        if (reason != null) {
            throw invalid("key prefix", prefix, reason);
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
        String reason = characterProblem(key);
        if (reason != null) {
            return reason;
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) {
                return "it has an empty segment ('//' or a trailing '/')";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "it has a '" + segment + "' segment";
            }
        }
        return null;
    }

    private static String characterProblem(String key) {
        if (key.startsWith("/")) {
            return "it starts with '/'; keys are relative to the store's root";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == 0) {
                return "it contains a NUL character";
            }
            if (c == '\\') {
                return "it contains a backslash; use '/' to separate segments";
            }
            if (c == '\r' || c == '\n') {
                return "it contains a line break, which Google Cloud Storage object names cannot hold";
            }
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "it contains an unpaired UTF-16 surrogate, which is not valid Unicode";
            }
        }
        return null;
    }

    private static InvalidRequestException invalid(String what, String key, String reason) {
        return new InvalidRequestException("Invalid " + what + " '" + printable(key) + "': " + reason);
    }

    private static String printable(String key) {
        return key.replace("\0", "\\0").replace("\r", "\\r").replace("\n", "\\n");
    }
}
