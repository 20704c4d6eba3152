package io.walkeeper.testkit;

import io.walkeeper.api.InvalidRequestException;
import java.util.Comparator;

/** The key rules of the {@link io.walkeeper.spi.BlobStore} SPI, and the key order of listings. */
final class BlobKeyRules {

    /**
     * Orders keys by Unicode code point, which is the order of their UTF-8 bytes (unlike
     * {@link String#compareTo}, which orders UTF-16 units and puts U+E000..U+FFFF after
     * supplementary characters).
     */
    static final Comparator<String> UTF8_ORDER = BlobKeyRules::compareUtf8;

    private BlobKeyRules() {
    }

    static int compareUtf8(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            int x = a.charAt(i);
            int y = b.charAt(i);
            if (x != y) {
                if (x >= Character.MIN_SURROGATE && y >= Character.MIN_SURROGATE) {
                    x = surrogatesLast(x);
                    y = surrogatesLast(y);
                }
                return Integer.compare(x, y);
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    private static int surrogatesLast(int c) {
        return c > Character.MAX_SURROGATE ? c - 0x800 : c + 0x2000;
    }

    /**
     * Checks a key: non-empty, no leading {@code /}, no empty, {@code .} or {@code ..} segment, no
     * NUL or backslash, valid Unicode.
     *
     * @param key the key
     * @return the key
     * @throws InvalidRequestException naming the key and the rule it breaks
     */
    static String checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidRequestException("An object key is required, got " + (key == null ? "null" : "''"));
        }
        checkCharacters(key, "object key");
        for (String segment : key.split("/", -1)) {
            checkSegment(key, segment, "object key");
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
        return new InvalidRequestException("Invalid " + what + " '" + printable(key) + "': " + reason);
    }

    private static String printable(String key) {
        return key.replace("\0", "\\0");
    }
}
