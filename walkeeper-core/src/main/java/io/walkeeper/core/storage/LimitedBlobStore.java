package io.walkeeper.core.storage;

import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.BlobWriter;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;

/**
 * Applies the network limits of {@link StorageOptions}: a byte rate shared by uploads and
 * downloads, and how many objects are written and read at once. A download holds its permit
 * until its stream is closed.
 */
final class LimitedBlobStore implements BlobStore {
    private final BlobStore delegate;
    private final RateLimiter rate;
    private final Semaphore uploads;
    private final Semaphore downloads;

    LimitedBlobStore(BlobStore delegate, StorageOptions options) {
        this.delegate = delegate;
        this.rate = options.maxBytesPerSecond() > 0 ? new RateLimiter(options.maxBytesPerSecond()) : null;
        this.uploads = options.uploadConcurrency() > 0 ? new Semaphore(options.uploadConcurrency(), true) : null;
        this.downloads = options.downloadConcurrency() > 0 ? new Semaphore(options.downloadConcurrency(), true) : null;
    }

    static boolean needed(StorageOptions o) {
        return o.maxBytesPerSecond() > 0 || o.uploadConcurrency() > 0 || o.downloadConcurrency() > 0;
    }

    @Override
    public URI location() {
        return delegate.location();
    }

    @Override
    public InputStream get(String key) {
        return download(() -> delegate.get(key));
    }

    @Override
    public InputStream get(String key, long offset) {
        return download(() -> delegate.get(key, offset));
    }

    private InputStream download(java.util.function.Supplier<InputStream> open) {
        acquire(downloads);
        try {
            InputStream in = open.get();
            return new FilterInputStream(in) {
                private boolean released;

                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0 && rate != null) {
                        rate.acquire(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0 && rate != null) {
                        rate.acquire(n);
                    }
                    return n;
                }

                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        if (!released) {
                            released = true;
                            release(downloads);
                        }
                    }
                }
            };
        } catch (RuntimeException e) {
            release(downloads);
            throw e;
        }
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        return delegate.head(key);
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public void create(String key, BlobWriter writer) {
        create(key, Map.of(), writer);
    }

    @Override
    public void create(String key, Map<String, String> metadata, BlobWriter writer) {
        acquire(uploads);
        try {
            delegate.create(key, metadata, limited(writer));
        } finally {
            release(uploads);
        }
    }

    @Override
    public void put(String key, BlobWriter writer) {
        acquire(uploads);
        try {
            delegate.put(key, limited(writer));
        } finally {
            release(uploads);
        }
    }

    private BlobWriter limited(BlobWriter writer) {
        if (rate == null) {
            return writer;
        }
        return out -> writer.writeTo(new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                rate.acquire(1);
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                rate.acquire(len);
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        });
    }

    @Override
    public void delete(Collection<String> keys) {
        delegate.delete(keys);
    }

    @Override
    public long removeAbandonedWrites(java.time.Instant olderThan, boolean dryRun) {
        return delegate.removeAbandonedWrites(olderThan, dryRun);
    }

    @Override
    public void close() {
        delegate.close();
    }

    private static void acquire(Semaphore s) {
        if (s == null) {
            return;
        }
        try {
            s.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WalKeeperException(ErrorCode.INTERRUPTED, "Interrupted while waiting for a storage transfer slot", e);
        }
    }

    private static void release(Semaphore s) {
        if (s != null) {
            s.release();
        }
    }
}
