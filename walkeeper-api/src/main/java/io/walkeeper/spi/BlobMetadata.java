package io.walkeeper.spi;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules for object metadata, the same on every store: at most 8 entries; names of 1 to 32
 * lowercase ASCII letters and digits, starting with a letter (valid as an S3 header suffix, an
 * Azure metadata name, a GCS key and an extended attribute name alike); values of up to 256
 * printable ASCII characters.
 */
public final class BlobMetadata {
    /** The most entries an object carries. */
    public static final int MAX_ENTRIES = 8;
    /** The longest value. */
    public static final int MAX_VALUE_LENGTH = 256;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,31}");
    private static final Pattern VALUE = Pattern.compile("[\\x20-\\x7e]{0," + MAX_VALUE_LENGTH + "}");

    private BlobMetadata() {
    }

    /**
     * Checks metadata against the rules.
     *
     * @param metadata name to value
     * @throws IllegalArgumentException naming the entry that breaks them
     */
    public static void check(Map<String, String> metadata) {
        if (metadata.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("At most " + MAX_ENTRIES + " metadata entries, not " + metadata.size());
        }
        metadata.forEach((name, value) -> {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Invalid metadata name '" + name + "': 1 to 32 lowercase letters and "
                        + "digits, starting with a letter");
            }
            if (value == null || !VALUE.matcher(value).matches()) {
                throw new IllegalArgumentException("Invalid value of metadata '" + name + "': up to " + MAX_VALUE_LENGTH
                        + " printable ASCII characters");
            }
        });
    }
}
