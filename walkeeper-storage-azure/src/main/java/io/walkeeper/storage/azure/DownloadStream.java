package io.walkeeper.storage.azure;

import io.walkeeper.api.WalKeeperException;
import io.walkeeper.spi.ProviderInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
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
 * The body of one download as a blocking {@link java.io.InputStream}: the response is read as it
 * arrives, with a small number of buffers requested ahead, so memory stays bounded whatever the
 * object's size. Failures follow {@link ProviderInputStream}'s rule (a retryable one part-way
 * surfaces as an {@link IOException}, which walkeeper's retry layer answers with a ranged read
 * from where it stopped); closing cancels the rest of the response.
 *
 * <p>Used by one reader thread.
 */
final class DownloadStream extends ProviderInputStream {
    /** Buffers requested ahead of the reader (the HTTP client's buffers are a few KiB each). */
    private static final int PREFETCH = 32;
    private static final Object COMPLETE = new Object();
    /** Reactor's context key of a subscription's own handler of errors after cancellation. */
    private static final String ON_ERROR_DROPPED = "reactor.onErrorDropped.local";
    private static final Logger LOG = LoggerFactory.getLogger(DownloadStream.class);

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final BodySubscriber subscriber = new BodySubscriber();
    private final Function<Throwable, WalKeeperException> failures;
    private ByteBuffer current;

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
        super(description, offset);
        this.failures = failures;
        body.subscribe(subscriber);
    }

    @Override
    protected int readBody(byte[] b, int off, int len) throws Exception {
        while (current == null || !current.hasRemaining()) {
            Object next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading " + description());
            }
            if (next == COMPLETE) {
                return -1;
            }
            if (next instanceof Error e) {
                throw e;
            }
            if (next instanceof Throwable t) {
                throw t instanceof Exception e ? e : new Exception(t);
            }
            current = (ByteBuffer) next;
            subscriber.request(1);
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    @Override
    protected WalKeeperException translate(Exception failure) {
        return failures.apply(failure);
    }

    @Override
    public int available() {
        return current == null ? 0 : current.remaining();
    }

    /** Cancels the rest of the response. */
    @Override
    protected void closeBody(boolean endedNormally) {
        subscriber.dispose();
        queue.clear();
        current = null;
    }

    /**
     * Puts the body's buffers in the queue, requesting more as the reader takes them. The failure
     * a cancelled response reports afterwards is expected: it is logged at debug level, not by
     * Reactor's global hook at error level.
     */
    private final class BodySubscriber extends BaseSubscriber<ByteBuffer> {
        private final Context context = Context.of(ON_ERROR_DROPPED,
                (Consumer<Throwable>) t -> LOG.debug("After closing {}: {}", description(), t.toString()));

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
