package io.walkeeper.crypto;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.WalKeeperException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.PGPSessionKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.SessionKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcSessionKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.jcajce.JceSessionKeyDataDecryptorFactoryBuilder;

/**
 * Reads the head of an OpenPGP message: finds the session key packet for a configured private
 * key, unlocks that key, decrypts the session key (with Bouncy Castle) and opens the literal data
 * inside (decrypted by the JDK's AES, see {@link OpenPgpCipher}). Accepts
 * only integrity-protected messages; skips compression and signature packets that other
 * OpenPGP tools may add (signatures are not checked).
 */
final class MessageDecryptor {
    private final PrivateKeyUnlocker keys;

    MessageDecryptor(PrivateKeyUnlocker keys) {
        this.keys = keys;
    }

    /**
     * Opens a message.
     *
     * @param raw the ciphertext
     * @return the plaintext, verified when its end is read
     * @throws IOException if the head is damaged, truncated or not an encrypted message
     * @throws ConfigurationException if no configured key can decrypt it, or its passphrase is wrong
     */
    InputStream open(InputStream raw) throws IOException {
        CiphertextSource source = new CiphertextSource(raw);
        try {
            return openUnchecked(source);
        } catch (WalKeeperException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw source.explain(e);
        }
    }

    private InputStream openUnchecked(CiphertextSource raw) throws IOException {
        PGPObjectFactory outer = new BcPGPObjectFactory(raw);
        Object first = outer.nextObject();
        while (first instanceof PGPMarker) {
            first = outer.nextObject();
        }
        if (first == null) {
            throw new IOException("Cannot decrypt: the input is empty, not an OpenPGP message");
        }
        if (!(first instanceof PGPEncryptedDataList list)) {
            throw new IOException("Cannot decrypt: not an encrypted OpenPGP message (it starts with "
                    + first.getClass().getSimpleName() + ")");
        }
        List<PGPPublicKeyEncryptedData> sessions = new ArrayList<>();
        for (PGPEncryptedData data : list) {
            if (data instanceof PGPPublicKeyEncryptedData session) {
                sessions.add(session);
            }
        }
        if (sessions.isEmpty()) {
            throw new IOException("Cannot decrypt: the OpenPGP message holds no session key for a public key "
                    + "(it is damaged, or was encrypted with a password only)");
        }
        if (!list.isIntegrityProtected()) {
            throw new IOException("Cannot decrypt: the OpenPGP message is not integrity protected (no modification "
                    + "detection code); refusing to read it");
        }
        return decrypt(raw, outer, list, sessions);
    }

    private InputStream decrypt(CiphertextSource raw, PGPObjectFactory outer, PGPEncryptedDataList list,
                                List<PGPPublicKeyEncryptedData> sessions) throws IOException {
        Set<Long> recipients = new LinkedHashSet<>();
        Exception failure = null;
        for (PGPPublicKeyEncryptedData session : sessions) {
            KeyIdentifier recipient = session.getKeyIdentifier();
            recipients.add(recipient.getKeyId());
            List<PGPSecretKey> candidates = recipient.isWildcard() ? keys.decryptionKeys()
                    : listOf(keys.find(recipient.getKeyId()));
            for (PGPSecretKey candidate : candidates) {
                PGPKeyPair privateKey = keys.unlock(candidate);
                PGPSessionKey sessionKey;
                try {
                    sessionKey = session.getSessionKey(new BcPublicKeyDataDecryptorFactory(privateKey));
                } catch (PGPException | RuntimeException e) {
                    // a key that is not the recipient's fails either way: Bouncy Castle throws an
                    // unchecked DataLengthException when the encrypted session key exceeds its RSA modulus
                    failure = e;
                    continue;
                }
                PGPSessionKeyEncryptedData encrypted = list.extractSessionKeyEncryptedData();
                InputStream clear;
                try {
                    clear = encrypted.getDataStream(dataDecryptor(sessionKey));
                } catch (PGPException e) {
                    throw new IOException("Cannot decrypt: the start of the encrypted data is damaged or truncated ("
                            + e.getMessage() + ")", e);
                }
                return new DecryptingStream(encrypted, literalData(clear), outer, raw);
            }
        }
        if (failure != null) {
            throw new IOException("Cannot decrypt: the session key of the OpenPGP message does not decrypt with key(s) "
                    + KeyIds.format(recipients) + ": the message is damaged (" + failure.getMessage() + ")", failure);
        }
        throw new ConfigurationException("Cannot decrypt: the object is encrypted to key(s) " + KeyIds.format(recipients)
                + ", but the configured private key holds key(s) " + KeyIds.format(keys.keyIds())
                + " (HINT: configure the private key the repository was written with)");
    }

    /** The JDK's AES where it applies; Bouncy Castle for the other ciphers GnuPG may have chosen. */
    private static SessionKeyDataDecryptorFactory dataDecryptor(PGPSessionKey sessionKey) {
        switch (sessionKey.getAlgorithm()) {
            case SymmetricKeyAlgorithmTags.AES_128:
            case SymmetricKeyAlgorithmTags.AES_192:
            case SymmetricKeyAlgorithmTags.AES_256:
                return new JceSessionKeyDataDecryptorFactoryBuilder().build(sessionKey);
            default:
                return new BcSessionKeyDataDecryptorFactory(sessionKey);
        }
    }

    private static List<PGPSecretKey> listOf(PGPSecretKey key) {
        return key == null ? List.of() : List.of(key);
    }

    /** Finds the literal data inside the decrypted packets. */
    private static InputStream literalData(InputStream clear) throws IOException {
        PGPObjectFactory factory = new BcPGPObjectFactory(clear);
        Object next = factory.nextObject();
        while (true) {
            if (next instanceof PGPLiteralData literal) {
                return literal.getDataStream();
            } else if (next instanceof PGPCompressedData compressed) {
                try {
                    factory = new BcPGPObjectFactory(compressed.getDataStream());
                } catch (PGPException e) {
                    throw new IOException("Cannot decrypt: the compressed data inside the OpenPGP message is damaged ("
                            + e.getMessage() + ")", e);
                }
            } else if (!(next instanceof PGPOnePassSignatureList || next instanceof PGPSignatureList
                    || next instanceof PGPMarker)) {
                throw new IOException("Cannot decrypt: the OpenPGP message holds no literal data"
                        + (next == null ? "" : " (found " + next.getClass().getSimpleName() + ")"));
            }
            next = factory.nextObject();
        }
    }
}
