package io.walkeeper.storage.azure;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.Setting;
import io.walkeeper.spi.StorageProvider;
import com.azure.storage.blob.BlobServiceClientBuilder;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Opens {@link AzureBlobStore}s in Azure Blob Storage (or Azurite), for two kinds of location:
 * <ul>
 *   <li>{@code azure://CONTAINER/PREFIX}: the account and endpoint come from the settings
 *       ({@link AzureSettings#ACCOUNT_NAME}, {@link AzureSettings#CONNECTION_STRING} or
 *       {@link AzureSettings#ENDPOINT}), as in WAL-G's {@code WALG_AZ_PREFIX};</li>
 *   <li>{@code https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX} (also the China and US
 *       Government clouds' {@code .blob.core.chinacloudapi.cn} and {@code .blob.core.usgovcloudapi.net}).</li>
 * </ul>
 * The provider claims the {@code https} scheme only for those host names: {@link #supports(URI)}
 * leaves every other {@code https} URL to other providers. The container must exist; the
 * provider never creates it. Settings are described in {@link AzureSettings}.
 */
public final class AzureStorageProvider implements StorageProvider {

    /** The URI scheme of locations whose account comes from the settings, {@value}. */
    public static final String SCHEME = AzureLocation.SCHEME;

    /** Creates the provider; used by {@link java.util.ServiceLoader}. */
    public AzureStorageProvider() {
    }

    /**
     * Returns {@code azure} and {@code https}; of {@code https} URLs only those of Azure Blob
     * endpoints are {@linkplain #supports(URI) supported}.
     *
     * @return the schemes
     */
    @Override
    public Set<String> schemes() {
        return Set.of(AzureLocation.SCHEME, AzureLocation.HTTPS);
    }

    /**
     * Returns the namespace of this provider's settings.
     *
     * @return {@value AzureSettings#PREFIX}
     */
    @Override
    public String settingsPrefix() {
        return AzureSettings.PREFIX;
    }

    /**
     * Declares this provider's settings.
     *
     * @return every setting, with its environment variables
     */
    @Override
    public List<Setting> settings() {
        return AzureSettings.DECLARED;
    }

    /**
     * Tells whether {@code location} is an {@code azure:} URI, or an {@code https:} URL whose host
     * ends with {@code .blob.core.windows.net} (or a sovereign cloud's blob suffix).
     *
     * @param location the repository root
     * @return {@code true} if this provider opens it
     */
    @Override
    public boolean supports(URI location) {
        return location != null && AzureLocation.isAzure(location);
    }

    /**
     * Opens the store at {@code location}. No request is sent yet: a missing container or wrong
     * credentials are reported by the first call, as a non-retryable
     * {@link io.walkeeper.api.StorageException} that says what to check.
     *
     * @param location {@code azure://CONTAINER/PREFIX} or
     *     {@code https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX}
     * @param settings provider settings, see {@link AzureSettings}; keys of other namespaces are ignored
     * @return the open store
     * @throws ConfigurationException if the location or a setting is invalid, unknown, missing or
     *     contradicts another
     */
    @Override
    public BlobStore open(URI location, Map<String, String> settings) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(settings, "settings");
        String context = "Azure storage at " + location;
        AzureLocation where = AzureLocation.parse(location);
        AzureProperties properties = AzureProperties.parse(context, settings);
        AzureClientFactory.Resolved resolved = AzureClientFactory.resolve(where, properties, context);
        BlobServiceClientBuilder builder = resolved.builder();
        AzureFailures failures = new AzureFailures(location, where.container(), resolved.account(),
                resolved.endpoint(), resolved.credentialKind());
        try {
            return new AzureBlobStore(where, properties,
                    builder.buildClient().getBlobContainerClient(where.container()),
                    builder.buildAsyncClient().getBlobContainerAsyncClient(where.container()), failures);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ConfigurationException("Cannot open " + context + ": the Azure SDK refuses the settings ("
                    + e.getMessage() + ")", e);
        }
    }
}
