package io.walkeeper.crypto;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The ciphertext stream, remembering the failures it raised itself so that a storage failure is
 * passed on as it is while everything Bouncy Castle raises is explained as a damaged or truncated
 * message.
 */
final class CiphertextSource extends FilterInputStream {
    private volatile IOException failure;

    CiphertextSource(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    /**
     * Returns what to throw for a failure while reading the message: the source's own failure as
     * it is, a premature end as truncation, anything else as damage.
     */
    IOException explain(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t == failure) {
                return failure;
            }
        }
        if (e instanceof EOFException) {
            return new IOException("Cannot decrypt: the OpenPGP message ends early (it is truncated)", e);
        }
        if (e instanceof IOException io && String.valueOf(e.getMessage()).startsWith("Cannot decrypt")) {
            return io;
        }
        return new IOException("Cannot decrypt: the OpenPGP message is damaged (" + e.getMessage() + ")", e);
    }
}
