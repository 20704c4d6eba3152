package io.walkeeper.crypto;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.StreamCipher;
import io.walkeeper.spi.SupportsSigning;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;

/**
 * The {@link StreamCipher} of {@link OpenPgpProvider}; see there for the format. Session keys are
 * encrypted with Bouncy Castle's own implementation; the bulk data goes through the JDK's AES
 * ({@code AES/CFB/NoPadding} from the default JCA providers, hardware-accelerated where the CPU
 * allows), several times faster than Bouncy Castle's pure-Java AES. No JCA provider is
 * registered. Manifests, which stay unencrypted, are signed with the private key when one is
 * configured ({@link SupportsSigning}). Thread-safe.
 */
final class OpenPgpCipher implements StreamCipher, SupportsSigning {
    /** Partial-length packet chunk size; a power of two. */
    static final int CHUNK = 1 << 16;

    private final OpenPgpSettings settings;
    private final MessageDecryptor decryptor;
    private final DetachedSigner signer;
    private final SecureRandom random = new SecureRandom();

    OpenPgpCipher(OpenPgpSettings settings) {
        this.settings = settings;
        PrivateKeyUnlocker unlocker = settings.canDecrypt()
                ? new PrivateKeyUnlocker(settings.secretKeys(), settings.passphrase())
                : null;
        this.decryptor = unlocker == null ? null : new MessageDecryptor(unlocker);
        this.signer = new DetachedSigner(settings.secretKeys(), unlocker, settings.verificationKeys());
    }

    @Override
    public boolean canSign() {
        return signer.canSign();
    }

    @Override
    public byte[] sign(byte[] data) {
        return signer.sign(data);
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        return signer.verify(data, signature);
    }

    @Override
    public byte[] sign(io.walkeeper.spi.BlobWriter content) throws IOException {
        return signer.sign(content);
    }

    @Override
    public boolean verify(InputStream data, byte[] signature) throws IOException {
        return signer.verify(data, signature);
    }

    @Override
    public OutputStream encrypt(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        PGPEncryptedDataGenerator encryptedGenerator = new PGPEncryptedDataGenerator(
                new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                        .setWithIntegrityPacket(true)
                        .setSecureRandom(random));
        for (PGPPublicKey key : settings.encryptionKeys()) {
            encryptedGenerator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(key).setSecureRandom(random));
        }
        OutputStream encrypted;
        try {
            encrypted = encryptedGenerator.open(out, new byte[CHUNK]);
        } catch (PGPException e) {
            throw new IOException("Cannot encrypt to key(s) " + KeyIds.format(settings.encryptionKeyIds()) + ": "
                    + e.getMessage(), e);
        }
        PGPLiteralDataGenerator literalGenerator = new PGPLiteralDataGenerator();
        OutputStream literal = literalGenerator.open(encrypted, PGPLiteralData.BINARY, "", PGPLiteralData.NOW,
                new byte[CHUNK]);
        return new EncryptingStream(literal, literalGenerator, encryptedGenerator, out);
    }

    @Override
    public InputStream decrypt(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        if (decryptor == null) {
            throw new ConfigurationException("Cannot decrypt: only a public key is configured, which encrypts but "
                    + "cannot decrypt (HINT: set " + OpenPgpSettings.PRIVATE_KEY + " or "
                    + OpenPgpSettings.PRIVATE_KEY_PATH + ", and " + OpenPgpSettings.PASSPHRASE
                    + " if the key is protected)");
        }
        return decryptor.open(in);
    }

    @Override
    public String toString() {
        return "OpenPgpCipher[" + settings + "]";
    }
}
