package io.walkeeper.storage.s3;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.Redaction;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Where a store lives: a bucket and a key prefix, parsed from {@code s3://bucket/prefix}. Keys of
 * the store are {@code prefix/key} in the bucket, or just {@code key} without a prefix.
 *
 * @param bucket the bucket name
 * @param prefix the key prefix without leading or trailing {@code /}, possibly empty
 */
record S3Location(String bucket, String prefix) {

    /** The URI scheme, {@value}. */
    static final String SCHEME = "s3";

    /** Bucket names: the S3 rules plus the upper case and underscores of legacy buckets. */
    private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

    /**
     * Parses {@code s3://bucket} or {@code s3://bucket/prefix} (a trailing {@code /} is ignored;
     * percent-escapes in the prefix are decoded).
     *
     * @throws ConfigurationException naming the URI and what is wrong with it
     */
    static S3Location parse(URI location) {
        if (location.getScheme() == null || !SCHEME.equalsIgnoreCase(location.getScheme())) {
            throw invalid(location, "its scheme is not '" + SCHEME + "'");
        }
        if (location.isOpaque()) {
            throw invalid(location, "it has no bucket");
        }
        if (location.getRawQuery() != null || location.getRawFragment() != null) {
            throw invalid(location, "it has a query or fragment, which S3 storage does not take; "
                    + "give settings such as s3.region separately");
        }
        String bucket = location.getRawAuthority();
        if (bucket == null || bucket.isEmpty()) {
            throw invalid(location, "it has no bucket");
        }
        if (bucket.contains("@")) {
            throw invalid(location, "it holds user information; give credentials as the settings "
                    + S3Settings.ACCESS_KEY_ID + " and " + S3Settings.SECRET_ACCESS_KEY);
        }
        if (!BUCKET.matcher(bucket).matches()) {
            throw invalid(location, "'" + bucket + "' is not a bucket name (letters, digits, '.', '-', '_'); "
                    + "give a custom endpoint as the setting " + S3Settings.ENDPOINT);
        }
        String path = location.getPath() == null ? "" : location.getPath();
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        String prefix = path.substring(start, end);
        if (!prefix.isEmpty()) {
            for (String segment : prefix.split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    throw invalid(location, "its prefix '" + prefix + "' has an empty, '.' or '..' segment");
                }
            }
            if (prefix.indexOf('\0') >= 0 || prefix.indexOf('\\') >= 0) {
                throw invalid(location, "its prefix contains a NUL character or a backslash");
            }
        }
        return new S3Location(bucket, prefix);
    }

    private static ConfigurationException invalid(URI location, String reason) {
        return new ConfigurationException("Cannot open S3 storage at " + Redaction.uri(location) + ": " + reason
                + " (write it as s3://bucket or s3://bucket/prefix)");
    }

    /** Returns the S3 key of a store key. */
    String toS3Key(String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    /** Returns what a store key's S3 key starts with: the prefix and a {@code /}, or nothing. */
    String root() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    /** Returns the UTF-8 length of {@link #root()}. */
    int rootBytes() {
        return root().getBytes(StandardCharsets.UTF_8).length;
    }

    /** Returns {@code s3://bucket/prefix}, for messages. */
    URI toUri() {
        if (prefix.isEmpty()) {
            return URI.create(SCHEME + "://" + bucket);
        }
        try {
            return URI.create(SCHEME + "://" + bucket + new URI(null, null, "/" + prefix, null).getRawPath());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("Cannot write the prefix '" + prefix + "' as a URI path", e);
        }
    }
}
