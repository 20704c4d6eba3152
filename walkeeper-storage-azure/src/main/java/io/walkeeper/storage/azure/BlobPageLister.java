package io.walkeeper.storage.azure;

import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.ComputingIterator;
import io.walkeeper.storage.azure.AzureFailures.Operation;
import com.azure.core.http.rest.PagedResponse;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobItemProperties;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobsOptions;
import java.util.Iterator;

/**
 * Iterates over the blobs under a name prefix, fetching one page (up to 5,000 blobs by default) at a time
 * as it is consumed; the first page is fetched on construction. Blobs whose names are not valid
 * keys (folder markers of other tools) and directories of hierarchical-namespace accounts are
 * skipped.
 */
final class BlobPageLister extends ComputingIterator<BlobInfo> {
    private final AzureBlobStore store;
    private final int rootLength;
    private final String prefix;
    private final Iterator<PagedResponse<BlobItem>> pages;
    private Iterator<BlobItem> items;

    /**
     * Starts listing and fetches the first page.
     *
     * @param namePrefix the blob name prefix (the store's prefix and the key prefix)
     * @param rootLength the length of the store's prefix including its {@code /}
     * @param prefix the key prefix, for messages
     * @param pageSize blobs per page
     */
    BlobPageLister(AzureBlobStore store, BlobContainerClient container, String namePrefix, int rootLength,
            String prefix, int pageSize) {
        this.store = store;
        this.rootLength = rootLength;
        this.prefix = prefix;
        ListBlobsOptions options = new ListBlobsOptions()
                .setDetails(new BlobListDetails().setRetrieveMetadata(true))
                .setMaxResultsPerPage(pageSize);
        if (!namePrefix.isEmpty()) {
            options.setPrefix(namePrefix);
        }
        try {
            this.pages = container.listBlobs(options, null).iterableByPage().iterator();
        } catch (RuntimeException e) {
            throw store.failures().translate(Operation.LIST, prefix, e);
        }
        hasNext(); // the first page now, so that a missing container or denied access fails the call itself
    }


    @Override
    protected BlobInfo computeNext() {
        try {
            while (true) {
                while (items == null || !items.hasNext()) {
                    if (!pages.hasNext()) {
                        return null;
                    }
                    store.checkOpen(Operation.LIST, prefix);
                    items = pages.next().getValue().iterator();
                }
                BlobItem item = items.next();
                String name = item.getName();
                if (name.length() <= rootLength || Boolean.TRUE.equals(item.isPrefix())
                        || AzureBlobStore.isDirectory(item.getMetadata())) {
                    continue;
                }
                String key = name.substring(rootLength);
                if (!AzureKeys.isValidKey(key)) {
                    continue;
                }
                BlobItemProperties properties = item.getProperties();
                return new BlobInfo(key, properties.getContentLength(), properties.getLastModified().toInstant());
            }
        } catch (RuntimeException e) {
            throw store.failures().translate(Operation.LIST, prefix, e);
        }
    }
}
