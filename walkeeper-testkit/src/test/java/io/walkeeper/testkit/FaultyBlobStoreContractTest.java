package io.walkeeper.testkit;

import io.walkeeper.spi.BlobStore;

/** Without rules a {@link FaultyBlobStore} is transparent: it passes the storage contract. */
class FaultyBlobStoreContractTest extends BlobStoreContractTest {

    @Override
    protected BlobStore newStore() {
        return new FaultyBlobStore(new InMemoryBlobStore());
    }

    @Override
    protected long largeObjectSize() {
        return 8L << 20;
    }
}
