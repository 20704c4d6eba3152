package io.walkeeper.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.spi.StreamCipher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import org.bouncycastle.bcpg.SecretKeyPacket;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.junit.jupiter.api.Test;

class OpenPgpKeysTest {

    @Test
    void generatesArmoredRsaKeyPairWithEncryptionSubkey() {
        OpenPgpKeys.KeyPair pair = TestKeys.protectedPair();
        assertTrue(pair.publicKey().startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"), pair.publicKey());
        assertTrue(pair.publicKey().strip().endsWith("-----END PGP PUBLIC KEY BLOCK-----"));
        assertTrue(pair.privateKey().startsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----"));
        assertFalse(pair.publicKey().contains("Version:"), "no tool version header");
        assertTrue(pair.fingerprint().matches("[0-9A-F]{40}"), pair.fingerprint());
        assertEquals(pair.fingerprint().substring(24), pair.keyId());

        OpenPgpSettings settings = OpenPgpSettings.parse(TestKeys.protectedFull());
        PGPPublicKey encryption = settings.encryptionKeys().get(0);
        assertEquals(3072, encryption.getBitStrength());
        assertNotEquals(pair.keyId(), KeyIds.format(encryption.getKeyID()), "a separate encryption subkey");
        for (PGPSecretKey key : settings.secretKeys().getKeyRings().next()) {
            assertEquals(SecretKeyPacket.USAGE_SHA1, key.getS2KUsage(), "protected with a SHA-1 checksum, as GnuPG does");
            assertEquals(0, key.getPublicKey().getValidSeconds(), "no expiry");
        }
        assertEquals("walkeeper test A <a@example.com>",
                settings.secretKeys().getKeyRings().next().getPublicKey().getUserIDs().next());
    }

    @Test
    void withoutPassphraseTheKeyIsUnprotected() throws Exception {
        OpenPgpSettings settings = OpenPgpSettings.parse(TestKeys.otherFull());
        for (PGPSecretKey key : settings.secretKeys().getKeyRings().next()) {
            assertEquals(SecretKeyPacket.USAGE_NONE, key.getS2KUsage());
        }
        StreamCipher cipher = new OpenPgpProvider().configure(TestKeys.otherFull());
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (OutputStream out = cipher.encrypt(buffer)) {
            out.write(new byte[] {4, 5, 6});
        }
        try (InputStream in = cipher.decrypt(new ByteArrayInputStream(buffer.toByteArray()))) {
            assertArrayEquals(new byte[] {4, 5, 6}, in.readAllBytes());
        }
    }

    @Test
    void keyPairsAreDistinctAndHideTheirPrivateKey() {
        assertNotEquals(TestKeys.protectedPair().fingerprint(), TestKeys.otherPair().fingerprint());
        assertFalse(TestKeys.protectedPair().toString().contains(TestKeys.protectedPair().privateKey()));
        assertTrue(TestKeys.protectedPair().toString().contains(TestKeys.protectedPair().fingerprint()));
    }

    @Test
    void rejectsBlankUserId() {
        assertThrows(IllegalArgumentException.class, () -> OpenPgpKeys.generate(" ", null));
        assertThrows(NullPointerException.class, () -> OpenPgpKeys.generate(null, null));
    }

    @Test
    void settingsAcceptTheGeneratedKeysAsIs() {
        OpenPgpKeys.KeyPair pair = TestKeys.plainPair();
        assertTrue(OpenPgpSettings.parse(Map.of(OpenPgpSettings.PUBLIC_KEY, pair.publicKey())).encryptionKeys().size() == 1);
        assertTrue(OpenPgpSettings.parse(Map.of(OpenPgpSettings.PRIVATE_KEY, pair.privateKey())).canDecrypt());
    }
}
