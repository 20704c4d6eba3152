package io.walkeeper.testkit;

import io.walkeeper.spi.BlobStore;

/** Runs the storage contract against {@link InMemoryBlobStore}. */
class InMemoryBlobStoreContractTest extends BlobStoreContractTest {

    @Override
    protected BlobStore newStore() {
        return new InMemoryBlobStore();
    }
}
