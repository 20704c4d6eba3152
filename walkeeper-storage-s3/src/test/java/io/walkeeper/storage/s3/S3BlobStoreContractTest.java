package io.walkeeper.storage.s3;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.testkit.BlobStoreContractTest;
import java.net.URI;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the storage contract against {@link S3BlobStore} over real HTTP on loopback, against
 * S3Mock in this JVM: a fresh bucket per test, with the store under a key prefix.
 *
 * <p>Two tests are switched off because S3Mock 5.2.0 differs from S3 there, not the store; what
 * the store itself does in those cases is checked against a scripted endpoint in
 * {@link S3ErrorMappingTest}.
 */
class S3BlobStoreContractTest extends BlobStoreContractTest {

    @RegisterExtension
    static final S3MockExtension S3_MOCK = S3MockSupport.extension();

    @Override
    protected BlobStore newStore() {
        String bucket = S3MockSupport.newBucket(S3_MOCK, "contract");
        return new S3StorageProvider().open(URI.create("s3://" + bucket + "/repo/pg"), S3MockSupport.settings(S3_MOCK));
    }

    /**
     * S3Mock checks {@code If-None-Match: *} and then stores the object without a lock, so two
     * concurrent creates can both succeed; S3 makes the check and the write one atomic step. That
     * the store sends the condition and maps the 412 is tested in {@link S3ErrorMappingTest}.
     */
    @Test
    @Disabled("S3Mock 5.2.0 evaluates If-None-Match without a lock: two racing creates both succeed")
    @Override
    public void concurrentCreateHasExactlyOneWinner() {
    }

    /**
     * S3Mock sorts listings by Java string (UTF-16) order, which puts U+1F600 before U+FF21; S3
     * sorts by UTF-8 bytes. That the store keeps the service's order across pages is tested in
     * {@link S3ErrorMappingTest#listingPagesLazilyInTheServersOrderAndDecodesKeys()}.
     */
    @Test
    @Disabled("S3Mock 5.2.0 sorts keys in UTF-16 order, S3 in UTF-8 byte order")
    @Override
    public void listOrderIsUtf8ByteOrder() {
    }
}
