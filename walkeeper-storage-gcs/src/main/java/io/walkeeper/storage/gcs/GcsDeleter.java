package io.walkeeper.storage.gcs;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageBatch;
import com.google.cloud.storage.StorageBatchResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes objects: one key with one request, more keys in batch requests of up to
 * {@value #BATCH_SIZE} deletes (the JSON API's limit). The batch is used directly rather than
 * {@code Storage.delete(Iterable)}, which reports every failed delete as "not found"; here a 404 is
 * ignored and any other failure is thrown, naming the key. Clients that cannot batch, such as the
 * gRPC transport or the in-memory test fake of {@code LocalStorageHelper}, get one request per key.
 */
final class GcsDeleter {
    private static final Logger LOG = LoggerFactory.getLogger(GcsDeleter.class);
    /** Deletes per batch request. */
    static final int BATCH_SIZE = 100;

    private final Storage storage;
    private final GcsLocation where;
    private final GcsErrors errors;
    private final AtomicBoolean cannotBatch = new AtomicBoolean();

    GcsDeleter(Storage storage, GcsLocation where, GcsErrors errors) {
        this.storage = storage;
        this.where = where;
        this.errors = errors;
    }

    void delete(Collection<String> keys) {
        Map<String, BlobId> ids = new LinkedHashMap<>();
        for (String key : keys) {
            ids.put(key, BlobId.of(where.bucket(), GcsKeys.objectName(where, key)));
        }
        List<Map.Entry<String, BlobId>> entries = new ArrayList<>(ids.entrySet());
        if (entries.size() > 1 && !cannotBatch.get()) {
            StorageBatch first = newBatch();
            if (first != null) {
                for (int from = 0; from < entries.size(); from += BATCH_SIZE) {
                    List<Map.Entry<String, BlobId>> group = entries.subList(from, Math.min(entries.size(), from + BATCH_SIZE));
                    deleteBatch(from == 0 ? first : storage.batch(), group);
                }
                return;
            }
        }
        for (Map.Entry<String, BlobId> entry : entries) {
            try {
                storage.delete(entry.getValue());
            } catch (RuntimeException e) {
                throw errors.translate("delete", entry.getKey(), GcsErrors.Target.OBJECT, e);
            }
        }
    }

    private StorageBatch newBatch() {
        try {
            return storage.batch();
        } catch (UnsupportedOperationException e) {
            if (cannotBatch.compareAndSet(false, true)) {
                LOG.debug("The storage client of {} cannot batch requests ({}); deleting one object per request",
                        where.uri(), e.toString());
            }
            return null;
        }
    }

    private void deleteBatch(StorageBatch batch, List<Map.Entry<String, BlobId>> group) {
        List<StorageBatchResult<Boolean>> results = new ArrayList<>(group.size());
        try {
            for (Map.Entry<String, BlobId> entry : group) {
                results.add(batch.delete(entry.getValue()));
            }
            batch.submit();
        } catch (RuntimeException e) {
            throw errors.translate(action(group.size()), group.get(0).getKey(), GcsErrors.Target.OBJECT, e);
        }
        RuntimeException failure = null;
        String failedKey = null;
        int failures = 0;
        for (int i = 0; i < group.size(); i++) {
            try {
                results.get(i).get(); // false: there was no such object
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                    failedKey = group.get(i).getKey();
                }
                failures++;
            }
        }
        if (failure != null) {
            throw errors.translate(action(failures), failedKey, GcsErrors.Target.OBJECT, failure);
        }
    }

    private static String action(int count) {
        return count == 1 ? "delete" : "delete " + count + " objects, the first being";
    }
}
