package io.walkeeper.storage.fs;

import io.walkeeper.spi.BlobStore;
import io.walkeeper.testkit.BlobStoreContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Runs the storage contract against {@link FsBlobStore} in a fresh directory. */
class FsBlobStoreContractTest extends BlobStoreContractTest {

    @TempDir
    Path tempDir;

    @Override
    protected BlobStore newStore() {
        return FsBlobStore.open(tempDir.resolve("repo"));
    }
}
