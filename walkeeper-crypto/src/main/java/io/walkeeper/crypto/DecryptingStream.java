package io.walkeeper.crypto;

import io.walkeeper.api.WalKeeperException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPEncryptedData;

/**
 * The plaintext of one message. When the literal data ends it reads the rest of the encrypted
 * packet, checks the modification detection code and that nothing follows the message; only
 * then does it report the end of the stream. A failed check is an {@link IOException}, raised
 * again by every later read. Content read before the end is not yet authenticated.
 */
final class DecryptingStream extends InputStream {
    private final PGPEncryptedData encrypted;
    private final InputStream literal;
    private final PGPObjectFactory outer;
    private final CiphertextSource source;
    private final byte[] single = new byte[1];
    private boolean ended;
    private IOException failed;
    private boolean closed;

    DecryptingStream(PGPEncryptedData encrypted, InputStream literal, PGPObjectFactory outer,
                     CiphertextSource source) {
        this.encrypted = encrypted;
        this.literal = literal;
        this.outer = outer;
        this.source = source;
    }

    @Override
    public int read() throws IOException {
        int n;
        do {
            n = read(single, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("Stream closed");
        }
        if (failed != null) {
            throw new IOException(failed.getMessage(), failed);
        }
        if (ended) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        try {
            int n = literal.read(b, off, len);
            if (n >= 0) {
                return n;
            }
            verifyEnd();
            ended = true;
            return -1;
        } catch (WalKeeperException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw fail(source.explain(e));
        }
    }

    private void verifyEnd() throws IOException {
        boolean intact;
        try {
            intact = encrypted.verify();
        } catch (PGPException e) {
            throw new IOException("Cannot decrypt: the integrity check of the OpenPGP message failed ("
                    + e.getMessage() + "): it was modified or truncated", e);
        }
        if (!intact) {
            throw new IOException("Cannot decrypt: the integrity check (modification detection code) of the OpenPGP "
                    + "message failed: it was modified or truncated");
        }
        Object trailing;
        try {
            trailing = outer.nextObject();
        } catch (IOException e) {
            throw new IOException("Cannot decrypt: unreadable data follows the OpenPGP message (" + e.getMessage() + ")", e);
        }
        if (trailing != null) {
            throw new IOException("Cannot decrypt: data follows the OpenPGP message ("
                    + trailing.getClass().getSimpleName() + ")");
        }
    }

    private IOException fail(IOException e) {
        failed = e;
        return e;
    }

    @Override
    public int available() throws IOException {
        return closed || ended || failed != null ? 0 : literal.available();
    }

    /** Closes the ciphertext stream; the rest of the message is not read or checked. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            source.close();
        }
    }
}
