package io.walkeeper.storage.gcs;

import com.google.api.gax.paging.Page;
import com.google.cloud.ReadChannel;
import com.google.cloud.RestorableState;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.Storage.BlobWriteOption;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.StreamSupport;

/**
 * The in-memory fake {@link Storage} of {@code LocalStorageHelper}, with the gaps that would make
 * it behave unlike Google Cloud Storage closed, so that the storage contract can be run against it.
 * Everything else is passed to the fake as it is. Test code only: the adapter never sees a
 * difference between this and a real client. The gaps and what this class does about each:
 *
 * <ol>
 *   <li><b>Not thread-safe.</b> Every call, and every call on the channels it returns, holds one
 *       lock.</li>
 *   <li><b>No paging, no order.</b> The fake answers a listing with one page cut at the page size
 *       (dropping the rest) and in hash order. Here listings come in pages of the size the adapter
 *       asks for, in UTF-8 byte order, each page fetched when the previous one is used up and
 *       continuing after the last name seen, as the service's page token does.</li>
 *   <li><b>Uploads are visible as they start.</b> The fake records an object's metadata when a
 *       resumable upload is opened, so an upload in progress, or one given up on, shows up in
 *       {@code get} and listings (with no size) and blocks a later create of the key. The service
 *       makes the object visible only when the upload is finished. Here {@code writer()} stages the
 *       bytes in memory and stores them with the fake's {@code create} when the channel is
 *       closed; a channel that is never closed leaves nothing.</li>
 *   <li><b>Code 0 instead of 412.</b> The fake fails a {@code doesNotExist()} precondition with a
 *       {@code StorageException} of code 0 wrapping a {@code FileAlreadyExistsException}; the
 *       service answers 412. Here the precondition is checked when the upload starts and again when
 *       it finishes, as the service does, and fails with code 412.</li>
 *   <li><b>No batches.</b> {@code batch()} throws {@link UnsupportedOperationException}; it is
 *       passed on, and the adapter deletes one object per request, as it does for any client that
 *       cannot batch.</li>
 * </ol>
 */
final class CorrectedFakeStorage implements InvocationHandler {
    private static final Comparator<String> UTF8_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private final Storage fake;
    private final Object lock = new Object();

    private CorrectedFakeStorage(Storage fake) {
        this.fake = fake;
    }

    /** Returns a new, empty fake with its gaps closed. */
    static Storage create() {
        return wrap(LocalStorageHelper.customOptions(false).getService());
    }

    /** Closes the gaps of a fake made by {@code LocalStorageHelper}. */
    static Storage wrap(Storage fake) {
        return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                new CorrectedFakeStorage(fake));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        synchronized (lock) {
            switch (method.getName()) {
                case "list":
                    if (args.length == 2 && args[0] instanceof String bucket) {
                        return list(bucket, (BlobListOption[]) args[1]);
                    }
                    break;
                case "writer":
                    if (args.length == 2 && args[0] instanceof BlobInfo info) {
                        return new StagedUpload(info, (BlobWriteOption[]) args[1]);
                    }
                    break;
                case "reader":
                    return serialized(ReadChannel.class, call(method, args));
                default:
                    break;
            }
            return call(method, args);
        }
    }

    private Object call(Method method, Object[] args) throws Throwable {
        return call(fake, method, args);
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private <T> T serialized(Class<T> type, Object channel) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            synchronized (lock) {
                return call(channel, m, a);
            }
        }));
    }

    private boolean exists(BlobInfo info) {
        Blob blob = fake.get(info.getBlobId());
        return blob != null;
    }

    // ---- gap 2: listings in pages, in UTF-8 order ----

    private Page<Blob> list(String bucket, BlobListOption[] options) {
        List<BlobListOption> passed = new ArrayList<>();
        int pageSize = Integer.MAX_VALUE;
        for (BlobListOption option : options) {
            if (option.equals(BlobListOption.pageSize(GcsListing.PAGE_SIZE))) {
                pageSize = GcsListing.PAGE_SIZE;
            } else {
                passed.add(option);
            }
        }
        return new ListPage(bucket, passed.toArray(new BlobListOption[0]), pageSize, null);
    }

    /** One page of a listing; the next is fetched from the fake when asked for. */
    private final class ListPage implements Page<Blob> {
        private final String bucket;
        private final BlobListOption[] options;
        private final int pageSize;
        private final List<Blob> values;
        private final String nextPageToken;

        ListPage(String bucket, BlobListOption[] options, int pageSize, String after) {
            this.bucket = bucket;
            this.options = options;
            this.pageSize = pageSize;
            synchronized (lock) {
                List<Blob> all = new ArrayList<>();
                for (Blob blob : fake.list(bucket, options).getValues()) {
                    if (after == null || UTF8_ORDER.compare(blob.getName(), after) > 0) {
                        all.add(blob);
                    }
                }
                all.sort(Comparator.comparing(Blob::getName, UTF8_ORDER));
                this.values = List.copyOf(all.subList(0, Math.min(pageSize, all.size())));
                this.nextPageToken = all.size() > pageSize ? values.get(values.size() - 1).getName() : null;
            }
        }

        @Override
        public boolean hasNextPage() {
            return nextPageToken != null;
        }

        @Override
        public String getNextPageToken() {
            return nextPageToken;
        }

        @Override
        public Page<Blob> getNextPage() {
            return nextPageToken == null ? null : new ListPage(bucket, options, pageSize, nextPageToken);
        }

        @Override
        public Iterable<Blob> getValues() {
            return values;
        }

        @Override
        public Iterable<Blob> iterateAll() {
            return () -> new Iterator<>() {
                private Page<Blob> page = ListPage.this;
                private Iterator<Blob> current = values.iterator();

                @Override
                public boolean hasNext() {
                    while (!current.hasNext() && page.hasNextPage()) {
                        page = page.getNextPage();
                        current = page.getValues().iterator();
                    }
                    return current.hasNext();
                }

                @Override
                public Blob next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return current.next();
                }
            };
        }

        @Override
        public String toString() {
            return "ListPage" + StreamSupport.stream(values.spliterator(), false).map(Blob::getName).toList();
        }
    }

    // ---- gaps 3 and 4: uploads visible only when finished, precondition failures as 412 ----

    /** A resumable upload staged in memory and stored when closed. */
    private final class StagedUpload implements WriteChannel {
        private final BlobInfo info;
        private final boolean mustNotExist;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean open = true;

        StagedUpload(BlobInfo info, BlobWriteOption[] options) {
            this.info = info;
            this.mustNotExist = Arrays.asList(options).contains(BlobWriteOption.doesNotExist());
            checkPrecondition();
        }

        private void checkPrecondition() {
            if (mustNotExist && exists(info)) {
                throw new StorageException(412, "At least one of the pre-conditions you specified did not hold.",
                        "conditionNotMet", null);
            }
        }

        @Override
        public int write(ByteBuffer src) throws ClosedChannelException {
            synchronized (lock) {
                if (!open) {
                    throw new ClosedChannelException();
                }
                int n = src.remaining();
                byte[] chunk = new byte[n];
                src.get(chunk);
                bytes.write(chunk, 0, n);
                return n;
            }
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (!open) {
                    return;
                }
                open = false;
                checkPrecondition();
                fake.create(info, bytes.toByteArray());
            }
        }

        @Override
        public void setChunkSize(int chunkSize) {
            // everything is staged in memory
        }

        @Override
        public RestorableState<WriteChannel> capture() {
            throw new UnsupportedOperationException("a staged upload cannot be captured");
        }
    }
}
