package io.walkeeper.spi;

import io.walkeeper.api.InvalidRequestException;

import java.util.Comparator;

/**
 * The key rules of the {@link BlobStore} SPI and the order of listings, for providers to check
 * keys with before adding the limits of their service. A key is non-empty, does not start with
 * {@code /}, has no empty, {@code .} or {@code ..} segment, and holds no NUL, no backslash and
 * no unpaired UTF-16 surrogate. A listing prefix follows the same rules, except that it may be
 * empty and its last segment may be empty or partial.
 */
public final class BlobKeys {

    /**
     * Orders keys by Unicode code point, which is the order of their UTF-8 bytes and the order
     * {@link BlobStore#list} returns (unlike {@link String#compareTo}, which orders UTF-16 units
     * and puts U+E000..U+FFFF after supplementary characters).
     */
    public static final Comparator<String> UTF8_ORDER = BlobKeys::compareUtf8;

    private BlobKeys() {
    }

    /**
     * Compares two keys by their UTF-8 bytes, without encoding them.
     *
     * @param a a key
     * @param b another key
     * @return negative, zero or positive as {@code a} sorts before, with or after {@code b}
     */
    public static int compareUtf8(String a, String b) {
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
     * Checks a key.
     *
     * @param key the key
     * @return the key
     * @throws InvalidRequestException naming the key and the rule it breaks
     */
    public static String checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidRequestException("An object key is required, got " + (key == null ? "null" : "''"));
        }
        String reason = problem(key);
        if (reason != null) {
            throw invalid("object key", key, reason);
        }
        return key;
    }

    /**
     * Checks a listing prefix.
     *
     * @param prefix the prefix
     * @return the prefix
     * @throws InvalidRequestException naming the prefix and the rule it breaks
     */
    public static String checkPrefix(String prefix) {
        if (prefix == null) {
            throw new InvalidRequestException("A key prefix is required (use '' to list everything)");
        }
        String reason = characterProblem(prefix);
        int slash = prefix.lastIndexOf('/');
        if (reason == null && slash >= 0) {
            reason = segmentProblem(prefix.substring(0, slash));
        }
        if (reason != null) {
            throw invalid("key prefix", prefix, reason);
        }
        return prefix;
    }

    /**
     * Tells whether a name is a valid key: for names found in a listing, where objects written by
     * other tools (a "folder" marker ending in {@code /}, a {@code //}) are skipped.
     *
     * @param key a name
     * @return whether it is a valid key
     */
    public static boolean isValidKey(String key) {
        return key != null && !key.isEmpty() && problem(key) == null;
    }

    /**
     * Tells which rule a non-empty key breaks.
     *
     * @param key a non-empty key
     * @return the rule it breaks, in words, or {@code null} if it is a valid key
     */
    public static String problem(String key) {
        String reason = characterProblem(key);
        return reason != null ? reason : segmentProblem(key);
    }

    /**
     * An error for a key or prefix that breaks a rule, in the words every store uses:
     * {@code Invalid <what> '<key>': <reason>}, with control characters shown escaped.
     *
     * @param what what the string is, such as "object key" or "key prefix"
     * @param key the key or prefix
     * @param reason the rule it breaks
     * @return the exception to throw
     */
    public static InvalidRequestException invalid(String what, String key, String reason) {
        return new InvalidRequestException("Invalid " + what + " '" + printable(key) + "': " + reason);
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
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "it contains an unpaired UTF-16 surrogate, which is not valid Unicode";
            }
        }
        return null;
    }

    private static String segmentProblem(String key) {
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

    private static String printable(String key) {
        return key.replace("\0", "\\0").replace("\r", "\\r").replace("\n", "\\n");
    }
}
