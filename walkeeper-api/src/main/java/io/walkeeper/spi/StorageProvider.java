package io.walkeeper.spi;

import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * Opens {@link BlobStore}s for one or more URI schemes. Found with {@link java.util.ServiceLoader}:
 * list the implementation in {@code META-INF/services/io.walkeeper.spi.StorageProvider}.
 */
public interface StorageProvider {

    /**
     * Returns the URI schemes this provider handles, such as {@code file} or {@code s3}.
     *
     * @return lower-case scheme names
     */
    Set<String> schemes();

    /**
     * Tells whether this provider opens {@code location}. The default accepts every URI whose
     * scheme is one of {@link #schemes()}; a provider that claims a general scheme such as
     * {@code https} narrows it (for example to one host name suffix).
     *
     * @param location the repository root
     * @return {@code true} if {@link #open} should be given this location
     */
    default boolean supports(URI location) {
        String scheme = location.getScheme();
        return scheme != null && schemes().contains(scheme.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Opens the store at {@code location}.
     *
     * @param location the repository root, e.g. {@code file:///var/backups/pg}
     * @param settings provider settings (namespaced keys such as {@code s3.region}); unknown keys of
     *     this provider's namespace are rejected
     * @return the open store; the caller closes it
     * @throws io.walkeeper.api.ConfigurationException if the location or a setting is invalid
     * @throws io.walkeeper.api.StorageException if the store cannot be reached
     */
    BlobStore open(URI location, Map<String, String> settings);
}
