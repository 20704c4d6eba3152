package io.walkeeper.testkit;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobMetadata;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.BlobWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A {@link BlobStore} held in memory, for fast tests of logic that uses storage. It follows the
 * SPI to the letter: keys are checked as the SPI defines them, {@code create} is atomic
 * put-if-absent, objects appear only once their writer returns, listings are in UTF-8 byte order.
 * It passes {@link BlobStoreContractTest}.
 *
 * <p>Thread-safe. Listings are weakly consistent: they reflect some state of the store during
 * the iteration. {@link #close()} discards the content.
 */
public final class InMemoryBlobStore implements BlobStore {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final URI location;
    private final ConcurrentSkipListMap<String, StoredObject> objects =
            new ConcurrentSkipListMap<>(BlobKeyRules.UTF8_ORDER);
    private final AtomicBoolean closed = new AtomicBoolean();

    /** One stored object; the array is never modified after it is stored. */
    private record StoredObject(byte[] content, Instant lastModified, Map<String, String> metadata) {
    }

    /** Creates an empty store with a unique {@code memory:} location. */
    public InMemoryBlobStore() {
        this(URI.create("memory:/store-" + COUNTER.incrementAndGet()));
    }

    /**
     * Creates an empty store that reports {@code location} in messages.
     *
     * @param location the location to report
     */
    public InMemoryBlobStore(URI location) {
        this.location = Objects.requireNonNull(location, "location");
    }

    @Override
    public URI location() {
        return location;
    }

    @Override
    public InputStream get(String key) {
        checkOpen("read '" + key + "'");
        StoredObject object = objects.get(BlobKeyRules.checkKey(key));
        if (object == null) {
            throw new NotFoundException("Cannot read '" + key + "' from " + location + ": no such object");
        }
        return new ByteArrayInputStream(object.content());
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        checkOpen("look up '" + key + "'");
        StoredObject object = objects.get(BlobKeyRules.checkKey(key));
        return object == null ? Optional.empty()
                : Optional.of(new BlobInfo(key, object.content().length, object.lastModified(), object.metadata()));
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        checkOpen("list '" + prefix + "'");
        BlobKeyRules.checkPrefix(prefix);
        return objects.tailMap(prefix, true).entrySet().stream()
                .takeWhile(e -> e.getKey().startsWith(prefix))
                .map(e -> info(e.getKey(), e.getValue()));
    }

    @Override
    public void create(String key, BlobWriter writer) {
        create(key, Map.of(), writer);
    }

    @Override
    public void create(String key, Map<String, String> metadata, BlobWriter writer) {
        checkOpen("create '" + key + "'");
        BlobKeyRules.checkKey(key);
        BlobMetadata.check(metadata);
        Objects.requireNonNull(writer, "writer");
        if (objects.containsKey(key)) {
            throw alreadyExists(key);
        }
        StoredObject object = produce(key, writer, metadata);
        if (objects.putIfAbsent(key, object) != null) {
            throw alreadyExists(key);
        }
    }

    @Override
    public void put(String key, BlobWriter writer) {
        checkOpen("write '" + key + "'");
        BlobKeyRules.checkKey(key);
        Objects.requireNonNull(writer, "writer");
        objects.put(key, produce(key, writer, Map.of()));
    }

    @Override
    public void delete(Collection<String> keys) {
        checkOpen("delete " + keys.size() + " object(s)");
        List<String> checked = new ArrayList<>(keys.size());
        for (String key : keys) {
            checked.add(BlobKeyRules.checkKey(key));
        }
        checked.forEach(objects::remove);
    }

    /** Discards the content; later calls fail. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            objects.clear();
        }
    }

    @Override
    public String toString() {
        return "InMemoryBlobStore(" + location + ")";
    }

    private StoredObject produce(String key, BlobWriter writer, Map<String, String> metadata) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (OutputStream out = new FilterOutputStream(buffer) {
            @Override
            public void write(byte[] b, int off, int len) {
                buffer.write(b, off, len);
            }

            @Override
            public void close() {
                // the store, not the writer, ends the object
            }
        }) {
            writer.writeTo(out);
        } catch (IOException e) {
            throw new StorageException("Cannot write '" + key + "' to " + location
                    + ": the content producer failed: " + e.getMessage() + "; nothing was stored", e);
        }
        checkOpen("write '" + key + "'");
        return new StoredObject(buffer.toByteArray(), Instant.now(), Map.copyOf(metadata));
    }

    private AlreadyExistsException alreadyExists(String key) {
        return new AlreadyExistsException("Cannot create '" + key + "' in " + location
                + ": the object already exists and was left untouched");
    }

    private static BlobInfo info(String key, StoredObject object) {
        return new BlobInfo(key, object.content().length, object.lastModified());
    }

    private void checkOpen(String action) {
        if (closed.get()) {
            throw new StorageException("Cannot " + action + " in " + location + ": store is closed", null);
        }
    }
}
