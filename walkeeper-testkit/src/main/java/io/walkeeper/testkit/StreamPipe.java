package io.walkeeper.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded pipe from one writing thread to one reading thread, holding at most a few chunks, so
 * that a stream of any length can pass from an encoder (a compressor, a cipher) to its decoder
 * without being kept in memory. When either side gives up, the other fails with an {@link IOException} instead of
 * waiting forever. Counts the bytes that passed.
 */
final class StreamPipe {
    private static final int CHUNK = 64 * 1024;
    private static final byte[] END = new byte[0];
    private static final long POLL_MILLIS = 100;

    private final BlockingQueue<byte[]> chunks;
    private volatile Throwable writerFailure;
    private volatile boolean readerClosed;
    private volatile long transferred;

    /** Creates a pipe holding at most {@code capacity} chunks of 64 KiB. */
    StreamPipe(int capacity) {
        this.chunks = new ArrayBlockingQueue<>(capacity);
    }

    /** Returns the number of bytes written so far. */
    long transferred() {
        return transferred;
    }

    /** Makes the reader fail with {@code cause}: the writing side has given up. */
    void abortWriter(Throwable cause) {
        writerFailure = cause;
    }

    /** Returns the writing end; closing it ends the stream. For the writing thread only. */
    OutputStream sink() {
        return new OutputStream() {
            private byte[] chunk = new byte[CHUNK];
            private int filled;
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (closed) {
                    throw new IOException("Cannot write to the pipe: it is closed");
                }
                while (len > 0) {
                    int n = Math.min(len, CHUNK - filled);
                    System.arraycopy(b, off, chunk, filled, n);
                    filled += n;
                    off += n;
                    len -= n;
                    transferred += n;
                    if (filled == CHUNK) {
                        hand(chunk);
                        chunk = new byte[CHUNK];
                        filled = 0;
                    }
                }
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                if (filled > 0) {
                    hand(Arrays.copyOf(chunk, filled));
                }
                hand(END);
            }
        };
    }

    private void hand(byte[] chunk) throws IOException {
        try {
            while (!chunks.offer(chunk, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (readerClosed) {
                    throw new IOException("Cannot write to the pipe: its reader has closed it");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing to the pipe");
        }
    }

    /** Returns the reading end. For the reading thread only. */
    InputStream source() {
        return new InputStream() {
            private byte[] chunk;
            private int position;
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (chunk == null || position == chunk.length) {
                    if (ended) {
                        return -1;
                    }
                    chunk = take();
                    position = 0;
                    ended = chunk == END;
                }
                int n = Math.min(len, chunk.length - position);
                System.arraycopy(chunk, position, b, off, n);
                position += n;
                return n;
            }

            @Override
            public void close() {
                readerClosed = true;
                chunks.clear();
            }
        };
    }

    private byte[] take() throws IOException {
        try {
            while (true) {
                byte[] chunk = chunks.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (chunk != null) {
                    return chunk;
                }
                Throwable failure = writerFailure;
                if (failure != null) {
                    throw new IOException("Cannot read from the pipe: its writer failed", failure);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading from the pipe");
        }
    }
}
