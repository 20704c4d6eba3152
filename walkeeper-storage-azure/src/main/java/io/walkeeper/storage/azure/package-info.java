/**
 * The Azure Blob Storage provider: {@link io.walkeeper.storage.azure.AzureStorageProvider} opens an
 * {@link io.walkeeper.storage.azure.AzureBlobStore} for {@code azure://CONTAINER/PREFIX} and
 * {@code https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX} locations, configured by the
 * {@code azure.*} keys of {@link io.walkeeper.storage.azure.AzureSettings}. It uses the Azure SDK
 * with the JDK HTTP client (no Netty) and without the SDK's retries: block blob uploads of unknown
 * length with bounded memory, create-if-absent by {@code If-None-Match: *}, streamed and ranged
 * downloads, lazily paged listings.
 */
package io.walkeeper.storage.azure;
