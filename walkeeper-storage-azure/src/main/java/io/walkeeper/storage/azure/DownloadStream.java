package io.walkeeper.storage.azure;

import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.util.context.Context;

/**
 * The body of one download as a blocking {@link InputStream}: the response is read as it arrives,
 * with a small number of buffers requested ahead, so memory stays bounded whatever the object's
 * size. A connection failure part-way surfaces as an {@link IOException} (which walkeeper's retry
 * layer answers with a ranged read from where it stopped); closing early cancels the response.
 *
 * <p>Used by one reader thread.
 */
final class DownloadStream extends InputStream {
    /** Buffers requested ahead of the reader (the HTTP client's buffers are a few KiB each). */
    private static final int PREFETCH = 32;
    private static final Object COMPLETE = new Object();
    /** Reactor's context key of a subscription's own handler of errors after cancellation. */
    private static final String ON_ERROR_DROPPED = "reactor.onErrorDropped.local";
    private static final Logger LOG = LoggerFactory.getLogger(DownloadStream.class);

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final BodySubscriber subscriber = new BodySubscriber();
    private final Function<Throwable, WalKeeperException> failures;
    private final String description;
    private ByteBuffer current;
    private long position;
    private boolean ended;
    private IOException failed;
    private boolean closed;

    /**
     * Starts reading {@code body}.
     *
     * @param body the response body
     * @param offset where in the object the body starts, for messages
     * @param description the object and store, for messages
     * @param failures translates a failure into walkeeper's exception
     */
    DownloadStream(Flux<ByteBuffer> body, long offset, String description,
            Function<Throwable, WalKeeperException> failures) {
        this.position = offset;
        this.description = description;
        this.failures = failures;
        body.subscribe(subscriber);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("Cannot read " + description + ": the stream is closed");
        }
        if (len == 0) {
            return 0;
        }
        while (current == null || !current.hasRemaining()) {
            if (ended) {
                return -1;
            }
            if (failed != null) {
                throw failed;
            }
            Object next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading " + description);
            }
            if (next == COMPLETE) {
                ended = true;
                return -1;
            }
            if (next instanceof Throwable t) {
                throw fail(t);
            }
            current = (ByteBuffer) next;
            subscriber.request(1);
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return current == null ? 0 : current.remaining();
    }

    /** Cancels the rest of the response. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            subscriber.dispose();
            queue.clear();
            current = null;
        }
    }

    /**
     * Returns a retryable failure as an {@link IOException} to throw, and throws any other as
     * walkeeper's exception.
     */
    private IOException fail(Throwable t) {
        WalKeeperException translated = failures.apply(t);
        if (translated instanceof StorageException s && s.isRetryable()) {
            failed = new IOException("Reading " + description + " failed at byte " + position + ": "
                    + translated.getMessage(), t);
            return failed;
        }
        throw translated;
    }

    /**
     * Puts the body's buffers in the queue, requesting more as the reader takes them. The failure
     * a cancelled response reports afterwards is expected: it is logged at debug level, not by
     * Reactor's global hook at error level.
     */
    private final class BodySubscriber extends BaseSubscriber<ByteBuffer> {
        private final Context context = Context.of(ON_ERROR_DROPPED,
                (Consumer<Throwable>) t -> LOG.debug("After closing {}: {}", description, t.toString()));

        @Override
        public Context currentContext() {
            return context;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(PREFETCH);
        }

        @Override
        protected void hookOnNext(ByteBuffer value) {
            queue.add(value);
        }

        @Override
        protected void hookOnComplete() {
            queue.add(COMPLETE);
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            queue.add(throwable);
        }
    }
}
