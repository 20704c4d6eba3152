package io.walkeeper.spi;

import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * Opens {@link BlobStore}s for one or more URI schemes. Found with {@link java.util.ServiceLoader}:
 * list the implementation in {@code META-INF/services/io.walkeeper.spi.StorageProvider}.
 *
 * <p><b>Settings.</b> A provider owns one namespace of setting keys, named after itself
 * ({@code s3.}, {@code azure.}, {@code gcs.}, {@code file.}; a custom provider picks its own, e.g.
 * {@code acme.}). {@link #open} receives the settings given for the store, without the shared
 * {@code storage.} keys (which the engine's retry layer reads). It must refuse an unknown key of
 * its own namespace with a {@link io.walkeeper.api.ConfigurationException} that names the key, so
 * that a misspelt setting is never ignored; the built-in cloud providers also refuse keys of
 * another provider's namespace (a GCS key given to S3 is a misconfiguration).
 *
 * <p><b>Errors.</b> A store throws {@link io.walkeeper.api.StorageException} for a failed call,
 * {@linkplain io.walkeeper.api.StorageException#isRetryable() retryable} when the same call may
 * succeed if tried again (a time-out, a connection reset, throttling, a server error: HTTP 429
 * and 5xx) and not retryable when it cannot (missing bucket or container, denied access, wrong
 * region, bad credentials, a malformed request). The engine retries only retryable failures,
 * with back-off, so a non-retryable error must say what to fix. A store never retries by
 * itself.
 *
 * <p>A new back end is checked with {@code BlobStoreContractTest} from {@code walkeeper-testkit}.
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
     * Returns the namespace of this provider's setting keys, with its dot: {@code s3.},
     * {@code azure.}. The default is the first of {@link #schemes()} in alphabetical order and a
     * dot; a provider whose namespace differs from its scheme overrides it.
     *
     * @return the prefix every key of {@link #settings()} starts with
     */
    default String settingsPrefix() {
        return new java.util.TreeSet<>(schemes()).first() + ".";
    }

    /**
     * Declares the settings {@link #open} takes, each with its type, default, secrecy and the
     * environment variables a command-line tool maps onto it; read them with
     * {@link SettingsReader}. A provider that takes no settings keeps the default, an empty list.
     *
     * @return the settings, keys starting with {@link #settingsPrefix()}
     */
    default java.util.List<Setting> settings() {
        return java.util.List.of();
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
