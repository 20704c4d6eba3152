package io.walkeeper.examples.provider;

import io.walkeeper.spi.BlobStore;
import io.walkeeper.testkit.BlobStoreContractTest;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

/** The example provider passes the storage contract suite, opened through {@link ServiceLoader} as walkeeper opens it. */
class FlatDirectoryContractTest extends BlobStoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected BlobStore newStore() {
        URI location = URI.create("flatdir://" + dir.resolve("store"));
        return ServiceLoader.load(io.walkeeper.spi.StorageProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.supports(location))
                .findFirst().orElseThrow(() -> new AssertionError("flatdir is not registered through ServiceLoader"))
                .open(location, Map.of(FlatDirectoryStorageProvider.FSYNC, "false"));
    }

    @Override
    protected boolean keepsMetadata() {
        return false;
    }
}
