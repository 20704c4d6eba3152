package io.walkeeper.crypto;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.BlobWriter;
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

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
        try {
            return sign(out -> out.write(data));
        } catch (IOException e) {
            throw new IllegalStateException("Writing to memory failed", e);
        }
    }

    /** Signs what {@code content} writes, a piece at a time. */
    byte[] sign(BlobWriter content) throws IOException {
        PGPSecretKey key = signingKey();
        if (key == null) {
            throw new ConfigurationException("Cannot sign: no private key that can sign is configured (HINT: set "
                    + OpenPgpSettings.PRIVATE_KEY_PATH + ")");
        }
        PGPKeyPair pair = unlocker.unlock(key);
        PGPSignatureGenerator generator;
        try {
            generator = new PGPSignatureGenerator(
                    new BcPGPContentSignerBuilder(key.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256),
                    key.getPublicKey());
            generator.init(PGPSignature.BINARY_DOCUMENT, pair.getPrivateKey());
        } catch (PGPException e) {
            throw new ConfigurationException("Cannot sign with key " + KeyIds.format(key.getKeyID()) + ": " + e.getMessage(), e);
        }
        content.writeTo(new OutputStream() {
            @Override
            public void write(int b) {
                generator.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                generator.update(b, off, len);
            }
        });
        try {
            return generator.generate().getEncoded();
        } catch (PGPException | IOException e) {
            throw new ConfigurationException("Cannot sign with key " + KeyIds.format(key.getKeyID()) + ": " + e.getMessage(), e);
        }
    }

    boolean verify(byte[] data, byte[] signature) {
        try {
            return verify(new ByteArrayInputStream(data), signature);
        } catch (IOException e) {
            throw new IllegalStateException("Reading from memory failed", e);
        }
    }

    /**
     * Verifies a signature over a stream read to its end; a signature that cannot be checked
     * (malformed, another key, another type) is {@code false}, a failing stream an IOException.
     */
    boolean verify(InputStream data, byte[] signature) throws IOException {
        PGPSignature sig;
        try {
            sig = verifiable(signature);
        } catch (IOException | PGPException | RuntimeException e) {
            return false;
        }
        if (sig == null) {
            return false;
        }
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = data.read(buffer)) >= 0; ) {
            sig.update(buffer, 0, n);
        }
        try {
            return sig.verify();
        } catch (PGPException | RuntimeException e) {
            return false;
        }
    }

    /** The signature ready to be fed the data, or {@code null} if no configured key made it or it is not a document signature. */
    private PGPSignature verifiable(byte[] signature) throws IOException, PGPException {
        Object first = new BcPGPObjectFactory(signature).nextObject();
        if (!(first instanceof PGPSignatureList list) || list.isEmpty()) {
            return null;
        }
        PGPSignature sig = list.get(0);
        if (sig.getSignatureType() != PGPSignature.BINARY_DOCUMENT) {
            return null;
        }
        for (PGPPublicKey key : verificationKeys) {
            if (key.getKeyID() == sig.getKeyID()) {
                sig.init(new BcPGPContentVerifierBuilderProvider(), key);
                return sig;
            }
        }
        return null;
    }
}
