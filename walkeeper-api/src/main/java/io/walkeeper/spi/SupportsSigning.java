package io.walkeeper.spi;

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
}
