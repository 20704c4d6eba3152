package io.walkeeper.crypto;

import io.walkeeper.api.ConfigurationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;

/**
 * Chooses the key each configured key ring encrypts to, as GnuPG does: an encryption-capable key
 * whose self-signature allows encryption, that is neither revoked nor expired, preferring subkeys
 * and, among them, the newest. Signatures are not verified: the key material comes from the
 * operator's own configuration.
 */
final class RecipientKeys {
    private static final int ENCRYPTION_FLAGS = KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE;
    private static final int[] PRIMARY_SELF_SIGNATURES = {
        PGPSignature.POSITIVE_CERTIFICATION, PGPSignature.CASUAL_CERTIFICATION,
        PGPSignature.NO_CERTIFICATION, PGPSignature.DEFAULT_CERTIFICATION, PGPSignature.DIRECT_KEY,
    };

    private RecipientKeys() {
    }

    /**
     * Returns one encryption key per key ring.
     *
     * @param setting the setting the rings came from, for messages
     * @param rings each ring's public keys, primary key first
     * @param now the time against which expiry is checked
     * @return the keys to encrypt to, one per ring, in ring order
     * @throws ConfigurationException if a ring has no usable encryption key
     */
    static List<PGPPublicKey> select(String setting, List<List<PGPPublicKey>> rings, Instant now) {
        List<PGPPublicKey> chosen = new ArrayList<>();
        for (List<PGPPublicKey> ring : rings) {
            PGPPublicKey primary = ring.get(0);
            if (primary.hasRevocation()) {
                throw new ConfigurationException("Invalid setting " + setting + ": key "
                        + KeyIds.format(primary.getKeyID()) + " is revoked (HINT: configure a current key)");
            }
            chosen.add(ring.stream()
                    .filter(key -> usableForEncryption(key, now))
                    .max(Comparator.comparing((PGPPublicKey key) -> !key.isMasterKey())
                            .thenComparing(PGPPublicKey::getCreationTime))
                    .orElseThrow(() -> new ConfigurationException("Invalid setting " + setting + ": key "
                            + KeyIds.format(primary.getKeyID()) + " has no usable encryption key (every key is "
                            + "sign-only, revoked or expired) (HINT: add an encryption subkey, or extend its expiry "
                            + "with 'gpg --quick-set-expire')")));
        }
        return List.copyOf(chosen);
    }

    private static boolean usableForEncryption(PGPPublicKey key, Instant now) {
        if (!key.isEncryptionKey() || key.hasRevocation()) {
            return false;
        }
        long validSeconds = key.getValidSeconds();
        if (validSeconds > 0 && key.getCreationTime().toInstant().plusSeconds(validSeconds).isBefore(now)) {
            return false;
        }
        Integer flags = keyFlags(key);
        return flags == null || (flags & ENCRYPTION_FLAGS) != 0;
    }

    /** Returns the key flags of the newest self-signature that has them, or {@code null}. */
    private static Integer keyFlags(PGPPublicKey key) {
        List<PGPSignature> selfSignatures = new ArrayList<>();
        if (key.isMasterKey()) {
            for (int type : PRIMARY_SELF_SIGNATURES) {
                key.getSignaturesOfType(type).forEachRemaining(selfSignatures::add);
            }
        } else {
            key.getSignaturesOfType(PGPSignature.SUBKEY_BINDING).forEachRemaining(selfSignatures::add);
        }
        PGPSignature newest = null;
        for (PGPSignature signature : selfSignatures) {
            PGPSignatureSubpacketVector hashed = signature.getHashedSubPackets();
            boolean self = !key.isMasterKey() || signature.getKeyID() == key.getKeyID();
            if (self && hashed != null && hashed.hasSubpacket(SignatureSubpacketTags.KEY_FLAGS)
                    && (newest == null || signature.getCreationTime().after(newest.getCreationTime()))) {
                newest = signature;
            }
        }
        return newest == null ? null : newest.getHashedSubPackets().getKeyFlags();
    }
}
