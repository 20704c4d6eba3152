package io.walkeeper.crypto;

import io.walkeeper.api.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.bcpg.SecretKeyPacket;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.operator.PBESecretKeyDecryptor;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

/**
 * Finds the configured private key for a key id and unlocks it with the passphrase, once per key:
 * unlocked keys are kept for the life of the cipher. Thread-safe.
 */
final class PrivateKeyUnlocker {
    private final PGPSecretKeyRingCollection rings;
    private final char[] passphrase;
    private final Map<Long, PGPKeyPair> unlocked = new ConcurrentHashMap<>();

    PrivateKeyUnlocker(PGPSecretKeyRingCollection rings, char[] passphrase) {
        this.rings = rings;
        this.passphrase = passphrase;
    }

    /** Returns the secret key with this id, or {@code null}. */
    PGPSecretKey find(long keyId) {
        return rings.getSecretKey(keyId);
    }

    /** Returns every key that can decrypt, for messages whose recipient is hidden. */
    List<PGPSecretKey> decryptionKeys() {
        List<PGPSecretKey> keys = new ArrayList<>();
        for (PGPSecretKeyRing ring : rings) {
            for (PGPSecretKey key : ring) {
                if (key.getPublicKey().isEncryptionKey() && !key.isPrivateKeyEmpty()) {
                    keys.add(key);
                }
            }
        }
        return keys;
    }

    /** Returns the ids of every configured key, for messages. */
    List<Long> keyIds() {
        List<Long> ids = new ArrayList<>();
        for (PGPSecretKeyRing ring : rings) {
            for (PGPSecretKey key : ring) {
                ids.add(key.getKeyID());
            }
        }
        return ids;
    }

    /**
     * Unlocks {@code key} with the passphrase.
     *
     * @throws ConfigurationException if the private part is missing, the passphrase is missing or wrong
     */
    PGPKeyPair unlock(PGPSecretKey key) {
        PGPKeyPair cached = unlocked.get(key.getKeyID());
        if (cached != null) {
            return cached;
        }
        String id = KeyIds.format(key.getKeyID());
        if (key.isPrivateKeyEmpty()) {
            throw new ConfigurationException("Cannot decrypt: the private part of key " + id + " is not in "
                    + "the configured private key (it was exported as a stub) (HINT: export the key that "
                    + "holds it with 'gpg --export-secret-keys --armor')");
        }
        boolean protectedKey = key.getS2KUsage() != SecretKeyPacket.USAGE_NONE;
        if (protectedKey && passphrase == null) {
            throw new ConfigurationException("Cannot decrypt: private key " + id + " is protected by a passphrase "
                    + "(HINT: set " + OpenPgpSettings.PASSPHRASE + ")");
        }
        PBESecretKeyDecryptor decryptor = new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider())
                .build(passphrase == null ? new char[0] : passphrase);
        PGPKeyPair privateKey;
        try {
            privateKey = key.extractKeyPair(decryptor);
        } catch (PGPException | RuntimeException e) {
            if (protectedKey) {
                throw new ConfigurationException("Cannot decrypt: wrong passphrase for key " + id
                        + " (HINT: check " + OpenPgpSettings.PASSPHRASE + ")", e);
            }
            throw new ConfigurationException("Cannot decrypt: private key " + id + " cannot be read: "
                    + e.getMessage(), e);
        }
        if (privateKey == null) {
            throw new ConfigurationException("Cannot decrypt: private key " + id + " holds no key material");
        }
        unlocked.putIfAbsent(key.getKeyID(), privateKey);
        return privateKey;
    }
}
