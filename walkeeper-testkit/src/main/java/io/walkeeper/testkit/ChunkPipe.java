package io.walkeeper.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded pipe from one writing thread to one reading thread, holding at most a few chunks, so
 * that a large stream can pass between an encoder and a decoder without being held in memory.
 * Closing the input makes further writes fail instead of blocking; {@link #abort} makes the
 * reader fail.
 */
final class ChunkPipe {
    private static final int CHUNK = 64 * 1024;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks;
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean readerClosed;
    private volatile Throwable writerFailure;

    ChunkPipe(int capacity) {
        this.chunks = new ArrayBlockingQueue<>(capacity);
    }

    /** Returns the number of bytes written so far. */
    long bytes() {
        return bytes.get();
    }

    /** Makes the reader fail with {@code cause} once it has read what was written. */
    void abort(Throwable cause) {
        writerFailure = cause;
        chunks.offer(END);
    }

    OutputStream output() {
        return new OutputStream() {
            private final byte[] buffer = new byte[CHUNK];
            private int filled;
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (closed) {
                    throw new IOException("pipe output closed");
                }
                while (len > 0) {
                    int n = Math.min(len, buffer.length - filled);
                    System.arraycopy(b, off, buffer, filled, n);
                    filled += n;
                    off += n;
                    len -= n;
                    if (filled == buffer.length) {
                        flushBuffer();
                    }
                }
            }

            @Override
            public void close() throws IOException {
                if (!closed) {
                    flushBuffer();
                    closed = true;
                    put(END);
                }
            }

            private void flushBuffer() throws IOException {
                if (filled > 0) {
                    put(Arrays.copyOf(buffer, filled));
                    bytes.addAndGet(filled);
                    filled = 0;
                }
            }
        };
    }

    InputStream input() {
        return new InputStream() {
            private byte[] current = new byte[0];
            private int position;
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                while (position == current.length) {
                    if (ended) {
                        return -1;
                    }
                    byte[] next = take();
                    if (next == END) {
                        ended = true;
                        if (writerFailure != null) {
                            throw new IOException("the writer failed", writerFailure);
                        }
                        return -1;
                    }
                    current = next;
                    position = 0;
                }
                int n = Math.min(len, current.length - position);
                System.arraycopy(current, position, b, off, n);
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

    private void put(byte[] chunk) throws IOException {
        try {
            while (!chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                if (readerClosed) {
                    throw new IOException("pipe input closed by the reader");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing to the pipe");
        }
    }

    private byte[] take() throws IOException {
        try {
            return chunks.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading from the pipe");
        }
    }
}
