package io.walkeeper.storage.fs;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.Redaction;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.SettingsReader;
import io.walkeeper.spi.StorageProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Opens {@link FsBlobStore}s for {@code file:} URIs such as {@code file:///var/backups/pg} (also
 * written {@code file:/var/backups/pg}). The path must be absolute; the directory is created if
 * it does not exist. Percent-escapes in the URI are decoded ({@code file:///backups/my%20repo}).
 * This provider has no settings: every key is rejected (a misspelt or misplaced setting is never
 * ignored), except the engine's shared {@code storage.} keys. Its namespace, should it gain
 * settings, is {@value #SETTINGS_PREFIX}.
 */
public final class FsStorageProvider implements StorageProvider {

    /** The URI scheme this provider handles, {@value}. */
    public static final String SCHEME = "file";
    /** The namespace of this provider's settings, {@value}. */
    public static final String SETTINGS_PREFIX = SCHEME + ".";

    /** Creates the provider; used by {@link java.util.ServiceLoader}. */
    public FsStorageProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    /**
     * Opens the store at {@code location}, creating its directory if needed.
     *
     * @param location a {@code file:} URI with an absolute path, no host, query or fragment
     * @param settings provider settings; none are defined for {@code file:}
     * @return the open store
     * @throws ConfigurationException if the URI is not an absolute {@code file:} path or an
     *     setting other than a {@code storage.} one is given
     * @throws io.walkeeper.api.StorageException if the directory cannot be created or written
     */
    @Override
    public BlobStore open(URI location, Map<String, String> settings) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(settings, "settings");
        SettingsReader.of("Cannot open file storage at " + location, settings(), settings, "storage.");
        return FsBlobStore.open(toPath(location));
    }

    /**
     * Converts a {@code file:} URI to the directory path it names.
     *
     * @param location the URI
     * @return the absolute path
     * @throws ConfigurationException if the URI is not an absolute local {@code file:} path
     */
    static Path toPath(URI location) {
        if (!SCHEME.equalsIgnoreCase(location.getScheme())) {
            throw invalid(location, "its scheme is not '" + SCHEME + "'");
        }
        if (location.isOpaque() || location.getPath() == null || !location.getPath().startsWith("/")) {
            throw invalid(location, "the path must be absolute");
        }
        String authority = location.getRawAuthority();
        if (authority != null && !authority.isEmpty() && !authority.equalsIgnoreCase("localhost")) {
            throw invalid(location, "it names host '" + authority + "'; mount the share and use its local path");
        }
        if (location.getRawQuery() != null || location.getRawFragment() != null) {
            throw invalid(location, "it has a query or fragment, which file storage does not take");
        }
        try {
            return Path.of(URI.create(SCHEME + "://" + location.getRawPath()));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Cannot open file storage at " + location + ": " + e.getMessage(), e);
        }
    }

    private static ConfigurationException invalid(URI location, String reason) {
        return new ConfigurationException("Cannot open file storage at " + Redaction.uri(location) + ": " + reason
                + " (write it as file:///absolute/path)");
    }
}
