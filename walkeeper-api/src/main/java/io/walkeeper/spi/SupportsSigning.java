package io.walkeeper.spi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An optional ability of a {@link StreamCipher}: signing what cannot be encrypted (a backup's
 * manifest stays readable JSON) and verifying such signatures, so that someone who can write to
 * the repository and holds only the public key cannot substitute a manifest. walkeeper checks for
 * it with {@code instanceof}.
 */
public interface SupportsSigning {

    /**
     * Tells whether this configuration holds a key to sign with (for OpenPGP, the private key).
     *
     * @return {@code true} if {@link #sign} works
     */
    boolean canSign();

    /**
     * Signs data.
     *
     * @param data the bytes to sign
     * @return a detached signature
     * @throws io.walkeeper.api.ConfigurationException if there is no key to sign with, or it
     *     cannot be unlocked
     */
    byte[] sign(byte[] data);

    /**
     * Verifies a detached signature.
     *
     * @param data the signed bytes
     * @param signature what {@link #sign} returned
     * @return {@code true} if the signature is valid and made by a key of this configuration;
     *     {@code false} if the data were altered, the signature is malformed, or another key made it
     */
    boolean verify(byte[] data, byte[] signature);

    /**
     * Signs what {@code content} writes, for data too large to hold in memory (the manifest of a
     * backup of a million files). The default collects the bytes and calls {@link #sign(byte[])};
     * a provider that can sign a stream overrides it.
     *
     * @param content writes the bytes to sign; called once
     * @return a detached signature, the same as {@link #sign(byte[])} makes of those bytes
     * @throws IOException if {@code content} fails
     * @throws io.walkeeper.api.ConfigurationException if there is no key to sign with
     */
    default byte[] sign(BlobWriter content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        content.writeTo(bytes);
        return sign(bytes.toByteArray());
    }

    /**
     * Verifies a detached signature over a stream, read to its end, for data too large to hold in
     * memory. The default reads it whole and calls {@link #verify(byte[], byte[])}; a provider
     * that can verify a stream overrides it.
     *
     * @param data the signed bytes; not closed
     * @param signature what {@link #sign} returned
     * @return as {@link #verify(byte[], byte[])}
     * @throws IOException if reading {@code data} fails
     */
    default boolean verify(InputStream data, byte[] signature) throws IOException {
        return verify(data.readAllBytes(), signature);
    }
}
