package io.walkeeper.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.PBESecretKeyEncryptor;
import org.bouncycastle.openpgp.operator.PGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/**
 * Creates OpenPGP key pairs for encrypting a repository, shaped as GnuPG creates them: an RSA-3072
 * primary key for certifying and signing, and an RSA-3072 subkey for encryption, without expiry,
 * preferring AES-256 and SHA-512. A passphrase protects the private key with AES-256 and an
 * iterated, salted SHA-256 key derivation. GnuPG 2.2 and later import and use the result.
 * Thread-safe.
 */
public final class OpenPgpKeys {
    private static final int RSA_BITS = 3072;
    /** Encoded S2K iteration count: 16 MiB hashed per unlock. */
    private static final int S2K_COUNT = 0xe0;

    private OpenPgpKeys() {
    }

    /**
     * A new OpenPGP key pair, armored. The public key goes into {@link OpenPgpSettings#PUBLIC_KEY}
     * on machines that only push; the private key into {@link OpenPgpSettings#PRIVATE_KEY} where
     * objects are read back. Both import into GnuPG with {@code gpg --import}.
     *
     * @param fingerprint the primary key's fingerprint, 40 upper-case hexadecimal digits
     * @param publicKey the armored public key ({@code -----BEGIN PGP PUBLIC KEY BLOCK-----})
     * @param privateKey the armored private key ({@code -----BEGIN PGP PRIVATE KEY BLOCK-----}),
     *     protected by the passphrase it was generated with, if any
     */
    public record KeyPair(String fingerprint, String publicKey, String privateKey) {

        /**
         * Creates the key pair.
         *
         * @param fingerprint the primary key's fingerprint
         * @param publicKey the armored public key
         * @param privateKey the armored private key
         */
        public KeyPair {
            Objects.requireNonNull(fingerprint, "fingerprint");
            Objects.requireNonNull(publicKey, "publicKey");
            Objects.requireNonNull(privateKey, "privateKey");
        }

        /**
         * Returns the primary key's id as GnuPG shows it with {@code --keyid-format long}: the
         * last 16 digits of the fingerprint.
         *
         * @return the key id
         */
        public String keyId() {
            return fingerprint.substring(fingerprint.length() - 16);
        }

        /**
         * Describes the key pair by fingerprint, without the private key.
         *
         * @return for example {@code KeyPair[fingerprint=..., privateKey=<hidden>]}
         */
        @Override
        public String toString() {
            return "KeyPair[fingerprint=" + fingerprint + ", privateKey=<hidden>]";
        }
    }

    /**
     * Generates a key pair. Takes a few seconds (two RSA-3072 keys).
     *
     * @param userId the user id, e.g. {@code walkeeper backups <backups@example.com>}
     * @param passphrase protects the private key; {@code null} or empty leaves it unprotected. Not
     *     kept; the caller may clear it afterwards.
     * @return the armored public and private keys
     * @throws IllegalArgumentException if {@code userId} is blank
     * @throws IllegalStateException if Bouncy Castle fails to create the key
     */
    public static KeyPair generate(String userId, char[] passphrase) {
        Objects.requireNonNull(userId, "userId");
        if (userId.isBlank()) {
            throw new IllegalArgumentException("userId is blank");
        }
        SecureRandom random = new SecureRandom();
        try {
            Date now = new Date();
            PGPKeyPair primary = rsaKeyPair(random, now);
            PGPKeyPair encryption = rsaKeyPair(random, now);

            PGPSignatureSubpacketGenerator primaryAttributes = new PGPSignatureSubpacketGenerator();
            primaryAttributes.setKeyFlags(false, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
            primaryAttributes.setPreferredSymmetricAlgorithms(false, new int[] {
                SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_192, SymmetricKeyAlgorithmTags.AES_128});
            primaryAttributes.setPreferredHashAlgorithms(false, new int[] {
                HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA384, HashAlgorithmTags.SHA256});
            primaryAttributes.setPreferredCompressionAlgorithms(false, new int[] {
                CompressionAlgorithmTags.UNCOMPRESSED, CompressionAlgorithmTags.ZLIB, CompressionAlgorithmTags.ZIP});
            primaryAttributes.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);

            PGPSignatureSubpacketGenerator subkeyAttributes = new PGPSignatureSubpacketGenerator();
            subkeyAttributes.setKeyFlags(false, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);

            PGPDigestCalculatorProvider digests = new BcPGPDigestCalculatorProvider();
            PBESecretKeyEncryptor protection = passphrase == null || passphrase.length == 0 ? null
                    : new BcPBESecretKeyEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256,
                            digests.get(HashAlgorithmTags.SHA256), S2K_COUNT)
                            .setSecureRandom(random)
                            .build(passphrase);
            PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary, userId,
                    digests.get(HashAlgorithmTags.SHA1), primaryAttributes.generate(), null,
                    new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.RSA_GENERAL, HashAlgorithmTags.SHA512),
                    protection);
            rings.addSubKey(encryption, subkeyAttributes.generate(), null);

            PGPPublicKeyRing publicRing = rings.generatePublicKeyRing();
            PGPSecretKeyRing secretRing = rings.generateSecretKeyRing();
            String fingerprint = HexFormat.of().formatHex(publicRing.getPublicKey().getFingerprint())
                    .toUpperCase(Locale.ROOT);
            return new KeyPair(fingerprint, armor(publicRing::encode), armor(secretRing::encode));
        } catch (PGPException e) {
            throw new IllegalStateException("Cannot generate an OpenPGP key pair: " + e.getMessage(), e);
        }
    }

    private static PGPKeyPair rsaKeyPair(SecureRandom random, Date created) throws PGPException {
        RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
        generator.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), random, RSA_BITS, 100));
        return new BcPGPKeyPair(PublicKeyPacket.VERSION_4, PublicKeyAlgorithmTags.RSA_GENERAL,
                generator.generateKeyPair(), created);
    }

    private interface Encoder {
        void encode(OutputStream out) throws IOException;
    }

    private static String armor(Encoder encoder) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ArmoredOutputStream armored = ArmoredOutputStream.builder().clearHeaders().build(buffer)) {
            encoder.encode(armored);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot armor an OpenPGP key", e);
        }
        return buffer.toString(StandardCharsets.US_ASCII);
    }
}
