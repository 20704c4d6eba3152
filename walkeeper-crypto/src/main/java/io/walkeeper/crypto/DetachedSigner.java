package io.walkeeper.crypto;

import io.walkeeper.api.ConfigurationException;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

import java.io.IOException;
import java.util.List;

/**
 * Detached OpenPGP signatures (SHA-256, binary document) over data that is stored unencrypted:
 * made with the first signing-capable private key configured, verified against every configured
 * public key. Thread-safe.
 */
final class DetachedSigner {
    private final PGPSecretKeyRingCollection secretRings;
    private final PrivateKeyUnlocker unlocker;
    private final List<PGPPublicKey> verificationKeys;

    DetachedSigner(PGPSecretKeyRingCollection secretRings, PrivateKeyUnlocker unlocker, List<PGPPublicKey> verificationKeys) {
        this.secretRings = secretRings;
        this.unlocker = unlocker;
        this.verificationKeys = verificationKeys;
    }

    boolean canSign() {
        return signingKey() != null;
    }

    private PGPSecretKey signingKey() {
        if (secretRings == null || unlocker == null) {
            return null;
        }
        for (PGPSecretKeyRing ring : secretRings) {
            for (PGPSecretKey key : ring) {
                if (key.isSigningKey() && !key.isPrivateKeyEmpty()) {
                    return key;
                }
            }
        }
        return null;
    }

    byte[] sign(byte[] data) {
        PGPSecretKey key = signingKey();
        if (key == null) {
            throw new ConfigurationException("Cannot sign: no private key that can sign is configured (HINT: set "
                    + OpenPgpSettings.PRIVATE_KEY_PATH + ")");
        }
        PGPKeyPair pair = unlocker.unlock(key);
        try {
            PGPSignatureGenerator generator = new PGPSignatureGenerator(
                    new BcPGPContentSignerBuilder(key.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256),
                    key.getPublicKey());
            generator.init(PGPSignature.BINARY_DOCUMENT, pair.getPrivateKey());
            generator.update(data);
            return generator.generate().getEncoded();
        } catch (PGPException | IOException e) {
            throw new ConfigurationException("Cannot sign with key " + KeyIds.format(key.getKeyID()) + ": " + e.getMessage(), e);
        }
    }

    boolean verify(byte[] data, byte[] signature) {
        try {
            Object first = new BcPGPObjectFactory(signature).nextObject();
            if (!(first instanceof PGPSignatureList list) || list.isEmpty()) {
                return false;
            }
            PGPSignature sig = list.get(0);
            if (sig.getSignatureType() != PGPSignature.BINARY_DOCUMENT) {
                return false;
            }
            for (PGPPublicKey key : verificationKeys) {
                if (key.getKeyID() == sig.getKeyID()) {
                    sig.init(new BcPGPContentVerifierBuilderProvider(), key);
                    sig.update(data);
                    return sig.verify();
                }
            }
            return false;
        } catch (IOException | PGPException | RuntimeException e) {
            return false;
        }
    }
}
