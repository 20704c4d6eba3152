package io.walkeeper.storage.fs;

import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.spi.BlobKeys;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Maps object keys to paths and back. Each key segment becomes one file or directory name;
 * {@code %}, control characters and every non-ASCII character are written as {@code %XX} escapes
 * of their UTF-8 bytes, so that names on disk are ASCII and do not depend on the platform's file
 * name encoding (a JVM in the C locale cannot even name a non-ASCII file). The mapping is
 * one-to-one; names that are not the encoding of a key are not objects of the store.
 */
final class FsKeys {

    /** Key order of listings: by code point, which is the order of the keys' UTF-8 bytes. */
    static final Comparator<String> UTF8_ORDER = BlobKeys::compareUtf8;

    /** Temporary files: {@code .<name>.tmp-<16 hex digits>}, hidden and never listed. */
    private static final Pattern TEMP_NAME = Pattern.compile("\\..*\\.tmp-[0-9a-f]{16}");
    private static final int TEMP_NAME_STEM = 32;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private FsKeys() {
    }

    /**
     * Checks a key and returns its path under {@code root}.
     *
     * @throws InvalidRequestException naming the key and the rule it breaks
     */
    static Path toPath(Path root, String key) {
        BlobKeys.checkKey(key);
        return resolve(root, key, key.split("/", -1), "object key");
    }

    /**
     * Checks a listing prefix and returns the directory its complete segments name; the last,
     * possibly partial, segment is left to the caller.
     *
     * @throws InvalidRequestException naming the prefix and the rule it breaks
     */
    static Path directoryOfPrefix(Path root, String prefix) {
        BlobKeys.checkPrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        if (slash < 0) {
            return root;
        }
        return resolve(root, prefix, prefix.substring(0, slash).split("/", -1), "key prefix");
    }

    private static Path resolve(Path root, String key, String[] segments, String what) {
        Path path = root;
        for (String segment : segments) {
            String name = encode(segment);
            if (isTempName(name)) {
                throw BlobKeys.invalid(what, key, "segment '" + segment + "' has the form of the store's temporary files");
            }
            try {
                path = path.resolve(name);
            } catch (InvalidPathException e) {
                throw new InvalidRequestException("Invalid " + what + " '" + key + "': this file system cannot name '"
                        + segment + "' (" + e.getReason() + ")", e);
            }
        }
        return path;
    }



    /** Returns the file name for one key segment. */
    static String encode(String segment) {
        StringBuilder name = null;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '%') {
                if (name != null) {
                    name.append(c);
                }
                continue;
            }
            if (name == null) {
                name = new StringBuilder(segment.length() + 16).append(segment, 0, i);
            }
            int end = Character.isHighSurrogate(c) && i + 1 < segment.length() ? i + 2 : i + 1;
            for (byte b : segment.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                name.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
            i = end - 1;
        }
        return name == null ? segment : name.toString();
    }

    /**
     * Returns the key segment a file name stands for, or {@code null} if the name is not the
     * encoding of any segment (a file the store did not write).
     */
    static String decode(String name) {
        if (name.indexOf('%') < 0) {
            return encode(name).equals(name) ? name : null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '%') {
                bytes.write(c);
                continue;
            }
            if (i + 2 >= name.length()) {
                return null;
            }
            int hi = Character.digit(name.charAt(i + 1), 16);
            int lo = Character.digit(name.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            bytes.write(hi << 4 | lo);
            i += 2;
        }
        String segment;
        try {
            segment = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        return encode(segment).equals(name) ? segment : null;
    }

    /** Returns a fresh temporary file name for writing {@code name}. */
    static String tempName(String name) {
        String stem = name.length() > TEMP_NAME_STEM ? name.substring(0, TEMP_NAME_STEM) : name;
        return "." + stem + ".tmp-" + String.format("%016x", ThreadLocalRandom.current().nextLong());
    }

    /** Tells whether a file name is one of the store's temporary files. */
    static boolean isTempName(String name) {
        return name.startsWith(".") && name.contains(".tmp-") && TEMP_NAME.matcher(name).matches();
    }
}
