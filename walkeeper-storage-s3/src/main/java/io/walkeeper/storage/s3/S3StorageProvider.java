package io.walkeeper.storage.s3;

import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.Setting;
import io.walkeeper.spi.StorageProvider;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Opens {@link S3BlobStore}s for {@code s3:} URIs: {@code s3://bucket} or
 * {@code s3://bucket/prefix}, on Amazon S3 or, with {@link S3Settings#ENDPOINT}, an S3-compatible
 * service such as MinIO. Settings are the {@link S3Settings} keys; unknown {@code s3.} keys and
 * keys of other namespaces are rejected (core's {@code storage.} keys are allowed). Found with
 * {@link java.util.ServiceLoader}.
 */
public final class S3StorageProvider implements StorageProvider {

    /** The URI scheme this provider handles, {@value}. */
    public static final String SCHEME = S3Location.SCHEME;

    /** Creates the provider; used by {@link java.util.ServiceLoader}. */
    public S3StorageProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    /**
     * Declares the {@link S3Settings}.
     *
     * @return every {@code s3.} setting
     */
    @Override
    public List<Setting> settings() {
        return S3Settings.DECLARED;
    }

    /**
     * Opens the store at {@code location}. Sends no request: a missing bucket or refused
     * credentials are reported by the first call, with a message saying what to check.
     *
     * @param location {@code s3://bucket} or {@code s3://bucket/prefix}
     * @param settings the {@link S3Settings} keys, plus any keys of other namespaces
     * @return the open store; the caller closes it
     * @throws io.walkeeper.api.ConfigurationException if the URI is not an {@code s3:} bucket URI, an
     *     {@code s3.} setting is unknown or malformed, or no region is given and none can be found
     */
    @Override
    public BlobStore open(URI location, Map<String, String> settings) {
        return S3BlobStore.open(location, settings);
    }
}
