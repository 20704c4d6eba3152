package io.walkeeper.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Encrypts and decrypts streams for one {@link EncryptionProvider} configuration. Thread-safe;
 * each returned stream is used by one thread.
 */
public interface StreamCipher {

    /**
     * Wraps a stream so that what is written is encrypted into {@code out}; closing it finishes
     * the ciphertext and closes {@code out}.
     *
     * @param out the destination
     * @return the encrypting stream
     * @throws IOException if the header cannot be written
     */
    OutputStream encrypt(OutputStream out) throws IOException;

    /**
     * Wraps a stream of ciphertext. A wrong key, tampered or truncated input fails with an
     * exception, never with silently wrong data.
     *
     * @param in the ciphertext
     * @return the decrypting stream
     * @throws IOException if the header cannot be read
     */
    InputStream decrypt(InputStream in) throws IOException;
}
