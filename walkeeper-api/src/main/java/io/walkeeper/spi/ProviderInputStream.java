package io.walkeeper.spi;

import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;

/**
 * A base for the stream a {@link BlobStore#get(String, long)} returns, for provider authors: it
 * holds the bookkeeping every download repeats and the one rule for failures while reading, so a
 * provider only supplies {@link #readBody}, {@link #translate} and {@link #closeBody}.
 *
 * <p><b>Failures.</b> A failure {@link #readBody} throws is {@linkplain #translate translated}
 * into walkeeper's exception. If that is a {@linkplain StorageException#isRetryable() retryable}
 * {@link StorageException}, the read throws an {@link IOException} that names the object and the
 * byte position where reading stopped; the engine's retry layer answers it with a ranged read
 * from that position, so a dropped connection part-way through a large object costs only the
 * rest. Any other failure is thrown as the translated {@link WalKeeperException}: trying again
 * would not help. After a retryable failure every further read throws the same
 * {@link IOException}. An {@link InterruptedIOException} is passed on as it is.
 *
 * <p><b>Closing.</b> {@link #close()} calls {@link #closeBody} once, telling whether the body was
 * read to its end, so that a provider can abort a connection rather than drain the rest of a
 * possibly huge object. Reading a closed stream throws an {@link IOException}.
 *
 * <p>Used by one reader thread, like any {@link InputStream}.
 */
public abstract class ProviderInputStream extends InputStream {
    private static final int SKIP_BUFFER = 8 * 1024;

    private final String description;
    private long position;
    private boolean ended;
    private boolean closed;
    private IOException failed;

    /**
     * Creates the stream.
     *
     * @param description the object and its store, for messages, such as
     *     {@code 'wal/0001' in s3://bucket/prefix}
     * @param offset the position in the object of the body's first byte
     */
    protected ProviderInputStream(String description, long offset) {
        this.description = Objects.requireNonNull(description, "description");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        this.position = offset;
    }

    /**
     * Reads up to {@code len} bytes of the body, blocking until at least one is available.
     * Called only with {@code len > 0}, before the end and while the stream is open.
     *
     * @param b the destination
     * @param off where in {@code b} to start
     * @param len at most how many bytes to read, at least 1
     * @return how many bytes were read, at least 1, or -1 at the end of the body
     * @throws Exception any failure; it is {@linkplain #translate translated} and thrown as this
     *     class describes
     */
    protected abstract int readBody(byte[] b, int off, int len) throws Exception;

    /**
     * Translates a failure of {@link #readBody} or {@link #closeBody} into walkeeper's exception,
     * as the provider's other calls do: retryable when reading again from the same position may
     * succeed.
     *
     * @param failure what was thrown
     * @return the exception; a retryable {@link StorageException} makes the read throw an
     *     {@link IOException}
     */
    protected abstract WalKeeperException translate(Exception failure);

    /**
     * Releases the body; called once, by the first {@link #close()}.
     *
     * @param endedNormally {@code true} if the body was read to its end, {@code false} if the
     *     reader stopped early or reading failed (a provider may abort the connection then)
     * @throws Exception any failure; it is translated like a failure of {@link #readBody}
     */
    protected abstract void closeBody(boolean endedNormally) throws Exception;

    /**
     * Returns the position in the object of the next byte to read.
     *
     * @return the offset given at creation plus the bytes read since
     */
    protected final long position() {
        return position;
    }

    /**
     * Returns the object and store this stream reads, for messages.
     *
     * @return the description given at creation
     */
    protected final String description() {
        return description;
    }

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public final int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("Cannot read " + description + ": the stream is closed");
        }
        if (failed != null) {
            throw failed;
        }
        if (len == 0 || ended) {
            return ended ? -1 : 0;
        }
        int n;
        try {
            n = readBody(b, off, len);
        } catch (InterruptedIOException e) {
            throw e;
        } catch (Exception e) {
            throw failure(e);
        }
        if (n < 0) {
            ended = true;
            return -1;
        }
        position += n;
        return n;
    }

    /** Skips by reading, so that the position stays right and failures follow the same rule. */
    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        byte[] buffer = new byte[(int) Math.min(SKIP_BUFFER, n)];
        long remaining = n;
        while (remaining > 0) {
            int read = read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (read < 0) {
                break;
            }
            remaining -= read;
        }
        return n - remaining;
    }

    /**
     * Releases the body with {@link #closeBody}, the first time only.
     *
     * @throws IOException if releasing failed with a retryable failure
     */
    @Override
    public final void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            closeBody(ended);
        } catch (InterruptedIOException e) {
            throw e;
        } catch (Exception e) {
            throw failure(e);
        }
    }

    /**
     * Applies the rule: returns a retryable failure as an {@link IOException} to throw (and keeps
     * it for later reads), throws any other as the translated exception.
     */
    private IOException failure(Exception e) {
        WalKeeperException translated = translate(e);
        if (translated instanceof StorageException s && s.isRetryable()) {
            failed = new IOException("Reading " + description + " failed at byte " + position + ": "
                    + translated.getMessage(), translated);
            return failed;
        }
        throw translated;
    }
}
