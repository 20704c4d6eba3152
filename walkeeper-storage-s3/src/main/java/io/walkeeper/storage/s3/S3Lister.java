package io.walkeeper.storage.s3;

import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.ComputingIterator;
import io.walkeeper.storage.s3.S3Errors.Operation;
import java.util.Iterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Lists the keys under a prefix with ListObjectsV2, one page (up to 1,000 keys) at a time as the
 * iteration reaches it. S3 returns keys in ascending UTF-8 byte order, which is the SPI's order.
 * Keys are requested URL-encoded (and decoded by the SDK) so that any character survives the XML
 * answer. Objects whose key is not a valid store key (a "folder" marker ending in {@code /},
 * written by other tools) are skipped.
 */
final class S3Lister extends ComputingIterator<BlobInfo> {
    private static final Logger LOG = LoggerFactory.getLogger(S3Lister.class);

    private final S3BlobStore store;
    private final String prefix;
    private final String root;
    private Iterator<S3Object> page;
    private String continuationToken;
    private boolean lastPage;

    S3Lister(S3BlobStore store, String prefix) {
        this.store = store;
        this.prefix = prefix;
        this.root = store.s3Location().root();
        fetch(); // the first page now, so that a missing bucket or denied access fails the call itself
    }

    @Override
    protected BlobInfo computeNext() {
        while (true) {
            while (!page.hasNext()) {
                if (lastPage) {
                    return null;
                }
                fetch();
            }
            S3Object object = page.next();
            String key = object.key().startsWith(root) ? object.key().substring(root.length()) : "";
            if (S3Keys.isValidKey(key)) {
                return new BlobInfo(key, object.size(), object.lastModified());
            }
            LOG.debug("Skipping '{}' in {}: not a valid key of this store", object.key(), store.location());
        }
    }

    private void fetch() {
        store.checkOpen(Operation.LIST, S3BlobStore.quote(prefix));
        ListObjectsV2Request request = ListObjectsV2Request.builder()
                .bucket(store.bucket())
                .prefix(root + prefix)
                .continuationToken(continuationToken)
                .encodingType(EncodingType.URL)
                .build();
        ListObjectsV2Response response;
        try {
            response = store.client().listObjectsV2(request);
        } catch (RuntimeException e) {
            throw store.errors().failure(Operation.LIST, S3BlobStore.quote(prefix), e);
        }
        page = response.contents().iterator();
        continuationToken = response.nextContinuationToken();
        lastPage = !Boolean.TRUE.equals(response.isTruncated()) || continuationToken == null;
    }
}
