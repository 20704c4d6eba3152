package io.walkeeper.storage.gcs;

import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.testkit.BlobStoreContractTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Runs the storage contract against {@link GcsBlobStore} on Google's in-memory fake
 * ({@code LocalStorageHelper.customOptions(false).getService()}, a fresh one per test), under the
 * prefix {@code repo/} of a bucket that also holds objects outside it ({@code repox/…},
 * {@code outside/…}), which the store must never see.
 *
 * <p>No Google Cloud Storage emulator can run here, and the fake differs from the service in ways
 * that have nothing to do with the adapter. Each gap is closed in test code by
 * {@link CorrectedFakeStorage}, never in the adapter:
 *
 * <ul>
 *   <li>it is not thread-safe: calls are serialised (the contract runs 2, 8 and 16 threads);</li>
 *   <li>it has no paging (a listing is one page, cut at the page size) and lists in hash order:
 *       listings are paged and ordered as the service does, so the adapter's paging runs for real
 *       ({@code listsManyKeysInOrder} spans three pages);</li>
 *   <li>it makes an upload's object visible (with no size) as soon as the upload starts and keeps
 *       it when the upload is abandoned, which the service never does: uploads are staged and
 *       stored when finished;</li>
 *   <li>it fails a {@code doesNotExist()} precondition with code 0 instead of 412: the
 *       precondition is checked at the start and the end of an upload, as by the service, failing
 *       with 412;</li>
 *   <li>it has no batch requests: the adapter falls back to one delete per key, as it does for
 *       any client that cannot batch.</li>
 * </ul>
 *
 * <p>Because of the staging, the client's resumable upload channel is not exercised here;
 * {@link GcsBlobStoreOnRawFakeTest} runs it against the fake as it is, and
 * {@link GcsHttpTransportTest} runs the real HTTP transport against a scripted local server. No
 * contract test is disabled.
 */
class GcsBlobStoreContractTest extends BlobStoreContractTest {
    static final URI LOCATION = URI.create("gs://walkeeper-test/repo");

    @Override
    protected BlobStore newStore() {
        Storage storage = CorrectedFakeStorage.create();
        for (String outside : new String[] {"repox/k", "outside/k", "repo"}) {
            storage.create(BlobInfo.newBuilder("walkeeper-test", outside).build(),
                    outside.getBytes(StandardCharsets.UTF_8));
        }
        return GcsBlobStore.using(storage, LOCATION, 256 * 1024);
    }
}
