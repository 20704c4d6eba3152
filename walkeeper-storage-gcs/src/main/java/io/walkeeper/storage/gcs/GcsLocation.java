package io.walkeeper.storage.gcs;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a store lives: a bucket and a key prefix, parsed from {@code gs://bucket/prefix}. The
 * prefix is empty or ends with {@code /}; an object's name in the bucket is the prefix followed by
 * its key.
 *
 * @param bucket the bucket name
 * @param prefix the object-name prefix of the store's keys, {@code ""} or ending with {@code /}
 */
record GcsLocation(String bucket, String prefix) {

    GcsLocation {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
    }

    /**
     * Parses {@code gs://bucket}, {@code gs://bucket/} or {@code gs://bucket/some/prefix[/]}.
     * Percent-escapes in the path are decoded.
     *
     * @param uri the location
     * @return the bucket and prefix
     * @throws ConfigurationException if it is not such a URI, or the bucket name or prefix is invalid
     */
    static GcsLocation parse(URI uri) {
        Objects.requireNonNull(uri, "location");
        if (!GcsStorageProvider.SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw invalid(uri, "its scheme is not '" + GcsStorageProvider.SCHEME + "'");
        }
        if (uri.isOpaque() || uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
            throw invalid(uri, "it does not name a bucket");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(uri, "it has a query or fragment, which Google Cloud Storage locations do not take");
        }
        String bucket = uri.getRawAuthority();
        checkBucket(uri, bucket);
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty()) {
            return new GcsLocation(bucket, "");
        }
        String reason = GcsKeys.problem(path);
        if (reason != null) {
            throw invalid(uri, "its prefix '" + path + "' is not usable: " + reason);
        }
        return new GcsLocation(bucket, path + "/");
    }

    /** Returns {@code gs://bucket/prefix}, for messages and {@link io.walkeeper.spi.BlobStore#location()}. */
    URI uri() {
        try {
            return new URI(GcsStorageProvider.SCHEME, bucket, "/" + prefix, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot form the URI of bucket " + bucket, e);
        }
    }

    /** Returns the object name of {@code key}. */
    String objectName(String key) {
        return prefix + key;
    }

    /** Returns the key of an object name listed under the prefix. */
    String key(String objectName) {
        return objectName.substring(prefix.length());
    }

    private static void checkBucket(URI uri, String bucket) {
        if (!bucket.equals(bucket.toLowerCase(Locale.ROOT))) {
            throw invalid(uri, "bucket names are lower case");
        }
        boolean dotted = bucket.indexOf('.') >= 0;
        if (bucket.length() < 3 || bucket.length() > (dotted ? 222 : 63)
                || !bucket.matches("[a-z0-9][a-z0-9._-]*[a-z0-9]")) {
            throw invalid(uri, "'" + bucket + "' is not a bucket name (3-63 characters: a-z, 0-9, '-', '_' and '.', "
                    + "starting and ending with a letter or digit)");
        }
        for (String part : bucket.split("\\.")) {
            if (part.isEmpty() || part.length() > 63) {
                throw invalid(uri, "'" + bucket + "' is not a bucket name (each dot-separated part has 1-63 characters)");
            }
        }
    }

    private static ConfigurationException invalid(URI uri, String reason) {
        return new ConfigurationException("Cannot open Google Cloud Storage at " + Redaction.uri(uri) + ": " + reason
                + " (write it as gs://bucket/optional/prefix)");
    }
}
