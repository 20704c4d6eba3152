/**
 * The Azure Blob Storage provider ({@code azure://container/prefix}, or an {@code https} blob endpoint). The engine finds it
 * as an {@link io.walkeeper.spi.StorageProvider}; it exports no package.
 */
@SuppressWarnings("requires-automatic")
module io.walkeeper.storage.azure {
    requires io.walkeeper.api;
    requires org.slf4j;
    requires com.azure.core;
    requires com.azure.core.http.jdk.httpclient;
    requires com.azure.storage.blob;
    requires com.azure.storage.common;
    requires org.reactivestreams;
    requires reactor.core;

    provides io.walkeeper.spi.StorageProvider with io.walkeeper.storage.azure.AzureStorageProvider;
}
