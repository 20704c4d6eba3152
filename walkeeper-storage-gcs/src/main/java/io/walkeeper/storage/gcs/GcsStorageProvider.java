package io.walkeeper.storage.gcs;

import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.Setting;
import io.walkeeper.spi.StorageProvider;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Opens {@link GcsBlobStore}s for {@code gs:} URIs such as {@code gs://my-backups/pg/main}: the
 * bucket, then an optional prefix under which every key is stored. Settings are the
 * {@value GcsSettings#PREFIX} keys described in {@link GcsSettings}; unknown keys of that namespace
 * are rejected, keys of other namespaces are ignored. Found with {@link java.util.ServiceLoader}.
 */
public final class GcsStorageProvider implements StorageProvider {

    /** The URI scheme this provider handles, {@value}. */
    public static final String SCHEME = "gs";

    /** Creates the provider; used by {@link java.util.ServiceLoader}. */
    public GcsStorageProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    /**
     * Returns the namespace of this provider's settings.
     *
     * @return {@value GcsSettings#PREFIX}
     */
    @Override
    public String settingsPrefix() {
        return GcsSettings.PREFIX;
    }

    /**
     * Declares the {@link GcsSettings}.
     *
     * @return every setting, with its environment variables
     */
    @Override
    public List<Setting> settings() {
        return GcsSettings.DECLARED;
    }

    /**
     * Opens the store at {@code location}. Reads the credentials but sends no request: a missing
     * bucket or missing permissions are reported by the first call that needs them.
     *
     * @param location {@code gs://bucket} or {@code gs://bucket/prefix}, without query or fragment
     * @param settings provider settings; see {@link GcsSettings}
     * @return the open store; the caller closes it
     * @throws io.walkeeper.api.ConfigurationException if the location or a {@value GcsSettings#PREFIX}
     *     setting is invalid, or no credentials can be read or found
     */
    @Override
    public BlobStore open(URI location, Map<String, String> settings) {
        Objects.requireNonNull(location, "location");
        GcsSettings parsed = GcsSettings.parse(settings);
        return GcsBlobStore.open(location, parsed);
    }
}
