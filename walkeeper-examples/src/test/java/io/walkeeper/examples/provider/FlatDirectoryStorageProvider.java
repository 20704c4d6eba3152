package io.walkeeper.examples.provider;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.Setting;
import io.walkeeper.spi.SettingsReader;
import io.walkeeper.spi.StorageProvider;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Example of a storage back end of one's own: {@code flatdir:///path} keeps every object as one
 * file in a single directory. Registered through {@link java.util.ServiceLoader} (see
 * {@code META-INF/services/io.walkeeper.spi.StorageProvider}), checked with the storage contract
 * suite, and used by the CLI when its jar is on {@code WALKEEPER_CLASSPATH}.
 *
 * <p>Its one setting, {@code flatdir.fsync} ({@code true} by default), lives in the provider's
 * own namespace and is declared with {@link #settings()}, so the CLI maps the environment
 * variable {@code FLATDIR_FSYNC} onto it and {@code walkeeper settings} lists it; any other key
 * is refused by {@link SettingsReader}, naming the key.
 */
public final class FlatDirectoryStorageProvider implements StorageProvider {
    /** The URI scheme, {@value}. */
    public static final String SCHEME = "flatdir";
    /** Whether each object is synced to disk before it becomes visible, {@value}. */
    public static final String FSYNC = "flatdir.fsync";

    /** Creates the provider; used by {@link java.util.ServiceLoader}. */
    public FlatDirectoryStorageProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    @Override
    public List<Setting> settings() {
        return List.of(Setting.bool(FSYNC).defaultValue(true).environment("FLATDIR_FSYNC")
                .description("Sync each object to disk before it becomes visible").build());
    }

    @Override
    public BlobStore open(URI location, Map<String, String> settings) {
        SettingsReader reader = SettingsReader.of("Cannot open flatdir storage at " + location, settings(), settings,
                "storage.");
        if (location.getPath() == null || !location.getPath().startsWith("/") || location.getHost() != null) {
            throw new ConfigurationException("A flatdir location is flatdir:///absolute/path, not " + location);
        }
        return new FlatDirectoryBlobStore(location, Path.of(location.getPath()), reader.bool(FSYNC));
    }
}
