package io.walkeeper.storage.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The body of a GetObject. Closing it before its end aborts the connection instead of reading the
 * rest of a possibly huge object to reuse the connection. SDK exceptions thrown while reading (a
 * checksum mismatch, a dropped connection) surface as {@link IOException}s, as callers of a stream
 * expect.
 */
final class S3ObjectInputStream extends FilterInputStream {
    private final ResponseInputStream<?> response;
    private final String description;
    private boolean ended;
    private boolean closed;

    S3ObjectInputStream(ResponseInputStream<?> response, String description) {
        super(response);
        this.response = response;
        this.description = description;
    }

    @Override
    public int read() throws IOException {
        try {
            int b = in.read();
            ended |= b < 0;
            return b;
        } catch (SdkException e) {
            throw readFailure(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            int n = in.read(b, off, len);
            ended |= n < 0;
            return n;
        } catch (SdkException e) {
            throw readFailure(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return in.skip(n);
        } catch (SdkException e) {
            throw readFailure(e);
        }
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (!ended) {
            response.abort();
        }
        try {
            response.close();
        } catch (SdkException e) {
            throw readFailure(e);
        }
    }

    private IOException readFailure(SdkException e) {
        return new IOException("Cannot read " + description + ": " + e.getMessage(), e);
    }
}
