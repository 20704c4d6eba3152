package io.walkeeper.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenPgpSettingsTest {
    @TempDir
    Path dir;

    private static ConfigurationException rejected(Map<String, String> settings) {
        return assertThrows(ConfigurationException.class, () -> OpenPgpSettings.parse(settings));
    }

    private static void assertMentions(ConfigurationException e, String... words) {
        for (String word : words) {
            assertTrue(e.getMessage().contains(word), "'" + word + "' in: " + e.getMessage());
        }
    }

    @Test
    void privateKeyAloneEncryptsToItsEncryptionSubkey() throws Exception {
        OpenPgpSettings settings = OpenPgpSettings.parse(TestKeys.protectedFull());
        assertTrue(settings.canDecrypt());
        assertEquals(1, settings.encryptionKeys().size());
        PGPPublicKey key = settings.encryptionKeys().get(0);
        assertFalse(key.isMasterKey(), "encrypts to the subkey, not the signing primary key");
        assertTrue(key.isEncryptionKey());
        OpenPgpSettings publicOnly = OpenPgpSettings.parse(Map.of(OpenPgpSettings.PUBLIC_KEY,
                TestKeys.protectedPair().publicKey()));
        assertFalse(publicOnly.canDecrypt());
        assertEquals(settings.encryptionKeyIds(), publicOnly.encryptionKeyIds());
        assertArrayEquals(TestKeys.PASSPHRASE.toCharArray(), settings.passphrase());
    }

    @Test
    void rejectsUnknownKeysNamingThem() {
        Map<String, String> settings = new HashMap<>(TestKeys.otherFull());
        settings.put("openpgp.pasphrase", "typo");
        assertMentions(rejected(settings), "openpgp.pasphrase", OpenPgpSettings.PASSPHRASE);
    }

    @Test
    void rejectsNullValue() {
        Map<String, String> settings = new HashMap<>(TestKeys.otherFull());
        settings.put(OpenPgpSettings.PASSPHRASE, null);
        assertMentions(rejected(settings), OpenPgpSettings.PASSPHRASE);
    }

    @Test
    void rejectsNoKeyAtAll() {
        assertMentions(rejected(Map.of()), OpenPgpSettings.PUBLIC_KEY, OpenPgpSettings.PRIVATE_KEY);
        assertMentions(rejected(Map.of(OpenPgpSettings.PASSPHRASE, "x")), OpenPgpSettings.PUBLIC_KEY);
    }

    @Test
    void rejectsTextAndPathTogether() {
        String file = TestKeys.write(dir, "pub.asc", TestKeys.otherPair().publicKey().getBytes(StandardCharsets.US_ASCII));
        assertMentions(rejected(Map.of(OpenPgpSettings.PUBLIC_KEY, TestKeys.otherPair().publicKey(),
                OpenPgpSettings.PUBLIC_KEY_PATH, file)), OpenPgpSettings.PUBLIC_KEY, OpenPgpSettings.PUBLIC_KEY_PATH);
        assertMentions(rejected(Map.of(OpenPgpSettings.PRIVATE_KEY, TestKeys.otherPair().privateKey(),
                OpenPgpSettings.PRIVATE_KEY_PATH, file)), OpenPgpSettings.PRIVATE_KEY, OpenPgpSettings.PRIVATE_KEY_PATH);
    }

    @Test
    void rejectsEmptyAndMalformedKeys() {
        assertMentions(rejected(Map.of(OpenPgpSettings.PUBLIC_KEY, "  \n")), OpenPgpSettings.PUBLIC_KEY, "empty");
        assertMentions(rejected(Map.of(OpenPgpSettings.PUBLIC_KEY, "not a key")), OpenPgpSettings.PUBLIC_KEY);
        assertMentions(rejected(Map.of(OpenPgpSettings.PRIVATE_KEY,
                "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nAAAA\n-----END PGP PRIVATE KEY BLOCK-----\n")),
                OpenPgpSettings.PRIVATE_KEY);
        String truncated = TestKeys.otherPair().publicKey().substring(0, 300);
        assertMentions(rejected(Map.of(OpenPgpSettings.PUBLIC_KEY, truncated)), OpenPgpSettings.PUBLIC_KEY);
    }

    @Test
    void explainsKeysInTheWrongSetting() {
        assertMentions(rejected(Map.of(OpenPgpSettings.PUBLIC_KEY, TestKeys.otherPair().privateKey())),
                OpenPgpSettings.PUBLIC_KEY, "holds a private key", OpenPgpSettings.PRIVATE_KEY);
        assertMentions(rejected(Map.of(OpenPgpSettings.PRIVATE_KEY, TestKeys.otherPair().publicKey())),
                OpenPgpSettings.PRIVATE_KEY, "holds a public key", OpenPgpSettings.PUBLIC_KEY);
    }

    @Test
    void rejectsUnreadableKeyFiles() {
        assertMentions(rejected(Map.of(OpenPgpSettings.PUBLIC_KEY_PATH, dir.resolve("missing.asc").toString())),
                OpenPgpSettings.PUBLIC_KEY_PATH, "does not exist");
        assertMentions(rejected(Map.of(OpenPgpSettings.PRIVATE_KEY_PATH, dir.toString())),
                OpenPgpSettings.PRIVATE_KEY_PATH, "directory");
        assertMentions(rejected(Map.of(OpenPgpSettings.PRIVATE_KEY_PATH, "\0")), OpenPgpSettings.PRIVATE_KEY_PATH);
        String garbage = TestKeys.write(dir, "garbage.gpg", new byte[] {(byte) 0x99, 1, 2, 3, 4, 5});
        assertMentions(rejected(Map.of(OpenPgpSettings.PUBLIC_KEY_PATH, garbage)), OpenPgpSettings.PUBLIC_KEY_PATH);
    }

    @Test
    void rejectsKeyWithoutEncryptionKey() throws Exception {
        PGPPublicKeyRing ring = new PGPPublicKeyRing(TestKeys.binary(TestKeys.otherPair().publicKey()),
                new BcKeyFingerprintCalculator());
        PGPPublicKey subkey = ring.getPublicKeys().next();
        for (PGPPublicKey key : ring) {
            if (!key.isMasterKey()) {
                subkey = key;
            }
        }
        byte[] signOnly = PGPPublicKeyRing.removePublicKey(ring, subkey).getEncoded();
        String file = TestKeys.write(dir, "sign-only.gpg", signOnly);
        assertMentions(rejected(Map.of(OpenPgpSettings.PUBLIC_KEY_PATH, file)), OpenPgpSettings.PUBLIC_KEY_PATH,
                "no usable encryption key");
    }

    @Test
    void encryptsToEveryKeyRingGiven() {
        String both = TestKeys.protectedPair().publicKey() + TestKeys.otherPair().publicKey();
        byte[] binaryBoth = concat(TestKeys.binary(TestKeys.protectedPair().publicKey()),
                TestKeys.binary(TestKeys.otherPair().publicKey()));
        String file = TestKeys.write(dir, "both.gpg", binaryBoth);
        OpenPgpSettings fromFile = OpenPgpSettings.parse(Map.of(OpenPgpSettings.PUBLIC_KEY_PATH, file));
        assertEquals(2, fromFile.encryptionKeys().size());
        List<Long> expected = List.of(
                OpenPgpSettings.parse(TestKeys.protectedFull()).encryptionKeyIds().get(0),
                OpenPgpSettings.parse(TestKeys.otherFull()).encryptionKeyIds().get(0));
        assertEquals(expected, fromFile.encryptionKeyIds());
        assertEquals(expected, OpenPgpSettings.parse(Map.of(OpenPgpSettings.PUBLIC_KEY, both)).encryptionKeyIds(),
                "every armored block is read, not only the first");
        OpenPgpSettings twoPrivate = OpenPgpSettings.parse(Map.of(OpenPgpSettings.PRIVATE_KEY,
                TestKeys.plainPair().privateKey() + "\n" + TestKeys.otherPair().privateKey()));
        assertEquals(2, twoPrivate.secretKeys().size());
        assertEquals(2, twoPrivate.encryptionKeys().size());
    }

    @Test
    void emptyPassphraseMeansNone() {
        Map<String, String> settings = new HashMap<>(TestKeys.otherFull());
        settings.put(OpenPgpSettings.PASSPHRASE, "");
        assertNull(OpenPgpSettings.parse(settings).passphrase());
    }

    @Test
    void toStringHidesSecrets() {
        String text = OpenPgpSettings.parse(TestKeys.protectedFull()).toString();
        assertFalse(text.contains(TestKeys.PASSPHRASE), text);
        assertFalse(text.contains("PRIVATE KEY"), text);
        assertTrue(text.contains("canDecrypt=true"), text);
        assertFalse(TestKeys.protectedPair().toString().contains("PRIVATE KEY"));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
