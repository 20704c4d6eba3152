package io.walkeeper.storage.azure;

import io.walkeeper.spi.BlobStore;
import io.walkeeper.testkit.BlobStoreContractTest;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the storage contract against {@link AzureBlobStore} on Azurite over loopback HTTP, in a
 * fresh container per test, under a two-segment prefix. The large object is the suite's default
 * 100 MiB (about two seconds each way over loopback).
 */
class AzureBlobStoreContractTest extends BlobStoreContractTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private String container;

    @Override
    protected BlobStore newStore() {
        container = AZURITE.server().newContainer();
        return new AzureStorageProvider().open(URI.create("azure://" + container + "/backups/pg"),
                AZURITE.server().settings());
    }

    /** Closes the store and drops its container, so that the in-memory server stays small. */
    @AfterEach
    @Override
    public void closeStore() {
        super.closeStore();
        if (container != null) {
            AZURITE.server().deleteContainer(container);
        }
    }
}
