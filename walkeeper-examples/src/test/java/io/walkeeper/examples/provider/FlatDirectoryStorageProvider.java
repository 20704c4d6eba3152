package io.walkeeper.examples.provider;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.StorageProvider;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Example of a storage back end of one's own: {@code flatdir:///path} keeps every object as one
 * file in a single directory. Registered through {@link java.util.ServiceLoader} (see
 * {@code META-INF/services/io.walkeeper.spi.StorageProvider}), checked with the storage contract
 * suite, and used by the CLI when its jar is on {@code WALKEEPER_CLASSPATH}.
 *
 * <p>Its one setting, {@code flatdir.fsync} ({@code true} by default), lives in the provider's
 * own namespace; an unknown key of that namespace is refused, naming the key.
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
    public BlobStore open(URI location, Map<String, String> settings) {
        Set<String> unknown = new TreeSet<>();
        for (String key : settings.keySet()) {
            if (key.startsWith(SCHEME + ".") && !key.equals(FSYNC)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigurationException("Unknown flatdir setting(s) " + unknown + " (known: " + FSYNC + ")");
        }
        String fsync = settings.getOrDefault(FSYNC, "true");
        if (!fsync.equals("true") && !fsync.equals("false")) {
            throw new ConfigurationException(FSYNC + " must be true or false, not '" + fsync + "'");
        }
        if (location.getPath() == null || !location.getPath().startsWith("/") || location.getHost() != null) {
            throw new ConfigurationException("A flatdir location is flatdir:///absolute/path, not " + location);
        }
        return new FlatDirectoryBlobStore(location, Path.of(location.getPath()), Boolean.parseBoolean(fsync));
    }
}
