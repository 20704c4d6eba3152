package io.walkeeper.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;

/**
 * Writes plaintext into the literal data packet of an open message. Closing it ends the literal
 * packet, writes the modification detection code, ends the encrypted packet and closes the
 * destination, once.
 */
final class EncryptingStream extends OutputStream {
    private final OutputStream literal;
    private final PGPLiteralDataGenerator literalGenerator;
    private final PGPEncryptedDataGenerator encryptedGenerator;
    private final OutputStream destination;
    private boolean closed;

    EncryptingStream(OutputStream literal, PGPLiteralDataGenerator literalGenerator,
                     PGPEncryptedDataGenerator encryptedGenerator, OutputStream destination) {
        this.literal = literal;
        this.literalGenerator = literalGenerator;
        this.encryptedGenerator = encryptedGenerator;
        this.destination = destination;
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        literal.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        literal.write(b, off, len);
    }

    /** Passes written bytes on as far as the partial-length packet framing allows. */
    @Override
    public void flush() throws IOException {
        ensureOpen();
        literal.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        try {
            literalGenerator.close();
            encryptedGenerator.close();
        } catch (IOException e) {
            failure = e;
        }
        try {
            destination.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("Cannot write: the encrypting stream is closed");
        }
    }
}
