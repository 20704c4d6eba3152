package io.walkeeper.storage.azure;

import io.walkeeper.spi.Setting;
import java.util.List;

/**
 * The settings of the Azure Blob storage provider: keys of the map given to
 * {@link AzureStorageProvider#open}, each with its default. Every key starts with {@value #PREFIX};
 * unknown keys and malformed values are rejected with a
 * {@link io.walkeeper.api.ConfigurationException} naming the key. A blank value counts as not set. Secret values are never logged or put in messages.
 *
 * <p>Credentials, in this order: the key or SAS token inside {@link #CONNECTION_STRING}, else
 * {@link #ACCOUNT_KEY}, else {@link #SAS_TOKEN}; with none of them, {@code DefaultAzureCredential}
 * (managed identity, workload identity, environment, Azure CLI login) if {@code com.azure:azure-identity}
 * is on the class path. Giving two different credentials is rejected as ambiguous.
 *
 * <p>The provider declares these settings ({@link AzureStorageProvider#settings()}) with the
 * environment variables a command-line tool maps onto them ({@code AZURE_STORAGE_ACCOUNT},
 * {@code AZURE_STORAGE_ACCESS_KEY} or {@code AZURE_STORAGE_KEY}, {@code AZURE_STORAGE_SAS_TOKEN},
 * {@code AZURE_STORAGE_CONNECTION_STRING}, {@code AZURE_STORAGE_BLOB_ENDPOINT}); the library itself
 * reads no environment variables (except through {@code DefaultAzureCredential}).
 */
public final class AzureSettings {

    /** The namespace of these settings, {@value}. */
    public static final String PREFIX = "azure.";

    /**
     * {@value}: an Azure Storage connection string, such as
     * {@code DefaultEndpointsProtocol=https;AccountName=NAME;AccountKey=KEY;EndpointSuffix=core.windows.net}.
     * Its {@code BlobEndpoint} names a custom endpoint (Azurite, Azure Stack, a private endpoint);
     * its {@code AccountKey} or {@code SharedAccessSignature}, if any, are the credentials.
     */
    public static final String CONNECTION_STRING = "azure.connection-string";

    /**
     * {@value}: the storage account name. With an {@code azure://} location and no endpoint, the
     * blob endpoint is {@code https://NAME.blob.core.windows.net}. Must agree with the account a
     * connection string or an {@code https://} location names.
     */
    public static final String ACCOUNT_NAME = "azure.account-name";

    /** {@value}: a storage account access key (base64), for shared-key authentication. */
    public static final String ACCOUNT_KEY = "azure.account-key";

    /**
     * {@value}: a shared access signature (SAS) token, with or without its leading {@code ?}. It
     * must allow read, write, list and delete (and add/create) on the container's blobs.
     */
    public static final String SAS_TOKEN = "azure.sas-token";

    /**
     * {@value}: a custom blob endpoint URL, such as {@code http://127.0.0.1:10000/devstoreaccount1}
     * for Azurite or {@code https://NAME.privatelink.blob.core.windows.net}. Only with an
     * {@code azure://} location; an {@code http} or {@code https} URL without query or user
     * information.
     */
    public static final String ENDPOINT = "azure.endpoint";

    /**
     * {@value}: the size in bytes of the blocks an upload is cut into, which is also the memory
     * one upload buffers per block. An object up to this size is stored with a single request;
     * a larger one is staged block by block and committed at the end. At most 50,000 blocks make
     * one blob, so the largest object is 50,000 times this size. Default {@value #BLOCK_SIZE_DEFAULT}
     * (8 MiB), between {@value #BLOCK_SIZE_MIN} and {@value #BLOCK_SIZE_MAX}.
     */
    public static final String BLOCK_SIZE = "azure.block-size";
    /** The default of {@link #BLOCK_SIZE}, {@value} bytes (8 MiB). */
    public static final int BLOCK_SIZE_DEFAULT = 8 << 20;
    /** The smallest {@link #BLOCK_SIZE}, {@value} bytes (16 KiB). */
    public static final int BLOCK_SIZE_MIN = 16 << 10;
    /** The largest {@link #BLOCK_SIZE}, {@value} bytes (512 MiB). */
    public static final int BLOCK_SIZE_MAX = 512 << 20;

    /**
     * {@value}: how many blocks of one upload are sent at once. One upload holds at most this
     * many blocks plus one in memory. Default {@value #UPLOAD_CONCURRENCY_DEFAULT}, between 1 and
     * {@value #UPLOAD_CONCURRENCY_MAX}.
     */
    public static final String UPLOAD_CONCURRENCY = "azure.upload-concurrency";
    /** The default of {@link #UPLOAD_CONCURRENCY}, {@value}. */
    public static final int UPLOAD_CONCURRENCY_DEFAULT = 4;
    /** The largest {@link #UPLOAD_CONCURRENCY}, {@value}. */
    public static final int UPLOAD_CONCURRENCY_MAX = 64;

    /** Every setting of this provider, with the Azure CLI's environment variables. */
    static final List<Setting> DECLARED = List.of(
            Setting.text(CONNECTION_STRING).secret().environment("AZURE_STORAGE_CONNECTION_STRING")
                    .description("Azure Storage connection string; its BlobEndpoint names a custom endpoint").build(),
            Setting.text(ACCOUNT_NAME).environment("AZURE_STORAGE_ACCOUNT")
                    .description("Storage account name").build(),
            Setting.text(ACCOUNT_KEY).secret().environment("AZURE_STORAGE_ACCESS_KEY", "AZURE_STORAGE_KEY")
                    .description("Storage account access key (base64), for shared-key authentication").build(),
            Setting.text(SAS_TOKEN).secret().environment("AZURE_STORAGE_SAS_TOKEN")
                    .description("Shared access signature allowing read, write, list and delete on the container").build(),
            Setting.url(ENDPOINT).environment("AZURE_STORAGE_BLOB_ENDPOINT")
                    .description("Custom blob endpoint URL (Azurite, a private endpoint); only with an azure:// location")
                    .build(),
            Setting.integer(BLOCK_SIZE, BLOCK_SIZE_MIN, BLOCK_SIZE_MAX).defaultValue(BLOCK_SIZE_DEFAULT)
                    .description("Bytes per block of an upload (the largest blob is 50,000 blocks)").build(),
            Setting.integer(UPLOAD_CONCURRENCY, 1, UPLOAD_CONCURRENCY_MAX).defaultValue(UPLOAD_CONCURRENCY_DEFAULT)
                    .description("Blocks of one upload sent at once").build());

    private AzureSettings() {
    }
}
