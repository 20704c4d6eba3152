package io.walkeeper.testkit;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A read stream that stops after a number of bytes: it either fails with an {@link IOException}
 * (a reset connection) or ends as if the object ended there (a silently cut one).
 */
final class FaultyInputStream extends FilterInputStream {
    private final long limit;
    private final boolean fail;
    private final String description;
    private long delivered;

    /**
     * @param in the real stream
     * @param limit how many bytes pass
     * @param fail throw at the limit (or at an earlier end) instead of ending
     * @param description what the exception message names
     */
    FaultyInputStream(InputStream in, long limit, boolean fail, String description) {
        super(in);
        this.limit = limit;
        this.fail = fail;
        this.description = description;
    }

    @Override
    public int read() throws IOException {
        if (delivered >= limit) {
            return stop();
        }
        int b = in.read();
        if (b < 0) {
            return stop();
        }
        delivered++;
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (delivered >= limit) {
            return stop();
        }
        int n = in.read(b, off, (int) Math.min(len, limit - delivered));
        if (n < 0) {
            return stop();
        }
        delivered += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int got = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (got < 0) {
                break;
            }
            skipped += got;
        }
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), limit - delivered);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
        // not supported
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    private int stop() throws IOException {
        if (fail) {
            throw new IOException("Injected fault: connection reset after " + delivered + " bytes of " + description);
        }
        return -1;
    }
}
