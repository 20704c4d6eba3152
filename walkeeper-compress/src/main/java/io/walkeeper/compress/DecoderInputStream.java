package io.walkeeper.compress;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Wraps a decompressing stream so that every decoding failure surfaces as an {@link IOException}
 * naming the codec, even when the underlying library throws an unchecked exception.
 */
final class DecoderInputStream extends FilterInputStream {
    private final String codec;

    DecoderInputStream(String codec, InputStream decoder) {
        super(decoder);
        this.codec = codec;
    }

    @Override
    public int read() throws IOException {
        try {
            return in.read();
        } catch (RuntimeException e) {
            throw corrupt(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (RuntimeException e) {
            throw corrupt(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return in.skip(n);
        } catch (RuntimeException e) {
            throw corrupt(e);
        }
    }

    @Override
    public int available() throws IOException {
        try {
            return in.available();
        } catch (RuntimeException e) {
            throw corrupt(e);
        }
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
        throw new IOException("mark/reset is not supported by the " + codec + " decoder");
    }

    private IOException corrupt(RuntimeException e) {
        return new IOException("Cannot decode " + codec + " stream: it is corrupt or truncated (" + e + ")", e);
    }
}
