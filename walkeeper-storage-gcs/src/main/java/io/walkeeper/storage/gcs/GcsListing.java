package io.walkeeper.storage.gcs;

import com.google.api.gax.paging.Page;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobField;
import com.google.cloud.storage.Storage.BlobListOption;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.ComputingIterator;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listing of the objects under a prefix, fetched a page at a time as the stream is consumed
 * ({@link Page#iterateAll()}). The service returns names in UTF-8 byte order, so entries are passed
 * on in the order they arrive. A failure while fetching a page is translated like any other call's.
 */
final class GcsListing extends ComputingIterator<BlobInfo> {
    private static final Logger LOG = LoggerFactory.getLogger(GcsListing.class);
    /** Objects per page: the most the JSON API returns in one response. */
    static final int PAGE_SIZE = 1000;

    private final GcsLocation where;
    private final GcsErrors errors;
    private final String prefix;
    private final Iterator<Blob> blobs;

    private GcsListing(GcsLocation where, GcsErrors errors, String prefix, Iterator<Blob> blobs) {
        this.where = where;
        this.errors = errors;
        this.prefix = prefix;
        this.blobs = blobs;
    }

    /**
     * Lists the objects whose key starts with {@code prefix}; the first page is fetched now.
     *
     * @param storage the client
     * @param where the store's bucket and prefix
     * @param errors translates failures
     * @param prefix a checked key prefix
     * @param fields the object fields to fetch
     * @return the entries, in the service's order
     */
    static Stream<BlobInfo> stream(Storage storage, GcsLocation where, GcsErrors errors, String prefix,
            BlobField... fields) {
        Iterator<Blob> blobs;
        try {
            Page<Blob> first = storage.list(where.bucket(), BlobListOption.prefix(where.objectName(prefix)),
                    BlobListOption.pageSize(PAGE_SIZE), BlobListOption.fields(fields));
            blobs = first.iterateAll().iterator();
        } catch (RuntimeException e) {
            throw errors.translate("list", prefix, GcsErrors.Target.BUCKET, e);
        }
        GcsListing listing = new GcsListing(where, errors, prefix, blobs);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(listing,
                Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL), false);
    }

    @Override
    protected BlobInfo computeNext() {
        try {
            while (blobs.hasNext()) {
                Blob blob = blobs.next();
                String key = where.key(blob.getName());
                if (GcsKeys.problem(key) != null || key.isEmpty()) {
                    LOG.debug("Skipping object '{}' in {}: its name is not a key", blob.getName(), where.uri());
                    continue;
                }
                return GcsBlobStore.info(key, blob.getSize(), blob.getUpdateTimeOffsetDateTime());
            }
            return null;
        } catch (RuntimeException e) {
            throw errors.translate("list", prefix, GcsErrors.Target.BUCKET, e);
        }
    }
}
