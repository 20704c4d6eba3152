package io.walkeeper.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.spi.StreamCipher;
import io.walkeeper.spi.SupportsSigning;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.PGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPBEKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the contract suite cannot know: OpenPGP's message format, key handling and error messages. */
class OpenPgpCipherTest {
    private static final OpenPgpProvider PROVIDER = new OpenPgpProvider();

    @TempDir
    Path dir;

    private static byte[] random(long seed, int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] encrypt(StreamCipher cipher, byte[] plain) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (OutputStream out = cipher.encrypt(buffer)) {
            out.write(plain);
        }
        return buffer.toByteArray();
    }

    private static byte[] decrypt(StreamCipher cipher, byte[] ciphertext) throws IOException {
        try (InputStream in = cipher.decrypt(new ByteArrayInputStream(ciphertext))) {
            return in.readAllBytes();
        }
    }

    private static String encryptionKeyId(Map<String, String> settings) {
        return KeyIds.format(OpenPgpSettings.parse(settings).encryptionKeyIds().get(0));
    }

    /** The unlocked encryption subkey of the other (unprotected) key pair. */
    private static PGPKeyPair otherPrivateKey() throws Exception {
        OpenPgpSettings settings = OpenPgpSettings.parse(TestKeys.otherFull());
        PGPSecretKey key = settings.secretKeys().getSecretKey(settings.encryptionKeyIds().get(0));
        return key.extractKeyPair(new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(new char[0]));
    }

    private static PGPPublicKey otherEncryptionKey() {
        return OpenPgpSettings.parse(TestKeys.otherFull()).encryptionKeys().get(0);
    }

    /** Writes a message with Bouncy Castle directly, to test what other tools may send. */
    private static byte[] handMade(PGPDataEncryptorBuilder data, Consumer<PGPEncryptedDataGenerator> methods,
                                   boolean compressed, byte[] plain) throws Exception {
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(data);
        methods.accept(generator);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        OutputStream encrypted = generator.open(buffer, new byte[1 << 12]);
        PGPCompressedDataGenerator compressor = new PGPCompressedDataGenerator(
                compressed ? CompressionAlgorithmTags.ZLIB : CompressionAlgorithmTags.UNCOMPRESSED);
        OutputStream inner = compressed ? compressor.open(encrypted) : encrypted;
        PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
        try (OutputStream out = literal.open(inner, PGPLiteralData.BINARY, "data.bin", PGPLiteralData.NOW, new byte[1 << 12])) {
            out.write(plain);
        }
        compressor.close();
        generator.close();
        return buffer.toByteArray();
    }

    @Test
    void writesAes256IntegrityProtectedUncompressedPartialLengthMessages() throws Exception {
        StreamCipher cipher = PROVIDER.configure(TestKeys.otherFull());
        byte[] plain = random(1, 1 << 20);
        byte[] ciphertext = encrypt(cipher, plain);
        assertEquals(0xc1, ciphertext[0] & 0xff, "new-format public-key encrypted session key packet first");
        assertTrue(ciphertext.length < plain.length + 1024, "no more than a header and framing added");

        PGPEncryptedDataList list = (PGPEncryptedDataList) new BcPGPObjectFactory(ciphertext).nextObject();
        assertEquals(1, list.size());
        PGPPublicKeyEncryptedData session = (PGPPublicKeyEncryptedData) list.get(0);
        assertTrue(session.isIntegrityProtected(), "SEIPD with MDC");
        assertFalse(session.isAEAD());
        assertEquals(OpenPgpSettings.parse(TestKeys.otherFull()).encryptionKeyIds().get(0), session.getKeyIdentifier().getKeyId());
        BcPublicKeyDataDecryptorFactory factory = new BcPublicKeyDataDecryptorFactory(otherPrivateKey());
        PGPSessionKey sessionKey = session.getSessionKey(factory);
        assertEquals(SymmetricKeyAlgorithmTags.AES_256, sessionKey.getAlgorithm());
        int seipd = indexOfPacket(ciphertext);
        assertEquals(0xd2, ciphertext[seipd] & 0xff, "new-format SEIPD packet");
        int length = ciphertext[seipd + 1] & 0xff;
        assertTrue(length >= 224 && length < 255, "partial body length, not a fixed length: " + length);

        Object inside = new BcPGPObjectFactory(session.getDataStream(factory)).nextObject();
        PGPLiteralData literal = assertInstanceOf(PGPLiteralData.class, inside, "literal data directly, no compression");
        assertEquals(PGPLiteralData.BINARY, literal.getFormat());
        assertArrayEquals(plain, literal.getDataStream().readAllBytes());
        assertTrue(session.verify());
    }

    /** Offset of the packet after the first one (new-format two-octet length). */
    private static int indexOfPacket(byte[] message) {
        int first = message[1] & 0xff;
        if (first < 192) {
            return 2 + first;
        }
        return 3 + ((first - 192) << 8) + (message[2] & 0xff) + 192;
    }

    @Test
    void signaturesOverStreamsAndOverArraysAreInterchangeable() throws IOException {
        SupportsSigning signer = (SupportsSigning) PROVIDER.configure(TestKeys.protectedFull());
        byte[] data = random(11, 300_000);
        byte[] streamed = signer.sign(out -> {
            for (int at = 0; at < data.length; at += 7_001) {
                out.write(data, at, Math.min(7_001, data.length - at));
            }
        });
        assertTrue(signer.verify(data, streamed), "a signature made over a stream verifies over the array");
        assertTrue(signer.verify(new java.io.ByteArrayInputStream(data), signer.sign(data)),
                "a signature made over the array verifies over a stream");
        byte[] altered = data.clone();
        altered[123_456] ^= 1;
        assertFalse(signer.verify(new java.io.ByteArrayInputStream(altered), streamed), "an altered stream does not verify");
        assertFalse(signer.verify(new java.io.ByteArrayInputStream(data, 0, data.length - 1), streamed),
                "a truncated stream does not verify");
        assertFalse(signer.verify(new java.io.ByteArrayInputStream(data), new byte[] {1, 2, 3}),
                "a malformed signature does not verify");
    }

    @Test
    void wrongPassphraseNamesTheKey() throws IOException {
        Map<String, String> settings = new HashMap<>(TestKeys.protectedFull());
        settings.put(OpenPgpSettings.PASSPHRASE, "wrong " + TestKeys.PASSPHRASE);
        StreamCipher cipher = PROVIDER.configure(settings);
        byte[] ciphertext = encrypt(cipher, new byte[] {1, 2, 3});
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> decrypt(cipher, ciphertext));
        assertTrue(e.getMessage().contains("wrong passphrase for key " + encryptionKeyId(settings)), e.getMessage());
        assertFalse(e.getMessage().contains(TestKeys.PASSPHRASE), "the passphrase is never in a message");
        assertArrayEquals(new byte[] {1, 2, 3}, decrypt(PROVIDER.configure(TestKeys.protectedFull()), ciphertext));
    }

    @Test
    void missingPassphraseSaysWhichSettingToSet() throws IOException {
        StreamCipher cipher = PROVIDER.configure(Map.of(OpenPgpSettings.PRIVATE_KEY, TestKeys.protectedPair().privateKey()));
        byte[] ciphertext = encrypt(cipher, new byte[] {1});
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> decrypt(cipher, ciphertext));
        assertTrue(e.getMessage().contains(OpenPgpSettings.PASSPHRASE), e.getMessage());
    }

    @Test
    void encryptOnlySaysWhichSettingToSet() throws IOException {
        StreamCipher cipher = PROVIDER.configure(Map.of(OpenPgpSettings.PUBLIC_KEY, TestKeys.otherPair().publicKey()));
        byte[] ciphertext = encrypt(cipher, new byte[] {1});
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> cipher.decrypt(new ByteArrayInputStream(ciphertext)));
        assertTrue(e.getMessage().contains(OpenPgpSettings.PRIVATE_KEY), e.getMessage());
        assertTrue(e.getMessage().contains(OpenPgpSettings.PRIVATE_KEY_PATH), e.getMessage());
    }

    @Test
    void otherKeyNamesBothKeySets() throws IOException {
        byte[] ciphertext = encrypt(PROVIDER.configure(TestKeys.protectedFull()), new byte[] {1});
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> decrypt(PROVIDER.configure(TestKeys.otherFull()), ciphertext));
        assertTrue(e.getMessage().contains("encrypted to key(s) " + encryptionKeyId(TestKeys.protectedFull())), e.getMessage());
        assertTrue(e.getMessage().contains(encryptionKeyId(TestKeys.otherFull())), e.getMessage());
        assertTrue(e.getMessage().contains(TestKeys.otherPair().keyId()), "primary key id too: " + e.getMessage());
    }

    @Test
    void encryptsToSeveralKeysEachOfWhichDecrypts() throws IOException {
        byte[] rings = concat(TestKeys.binary(TestKeys.protectedPair().publicKey()), TestKeys.binary(TestKeys.otherPair().publicKey()));
        StreamCipher both = PROVIDER.configure(Map.of(OpenPgpSettings.PUBLIC_KEY_PATH, TestKeys.write(dir, "both.gpg", rings)));
        byte[] plain = random(2, 10_000);
        byte[] ciphertext = encrypt(both, plain);
        assertArrayEquals(plain, decrypt(PROVIDER.configure(TestKeys.protectedFull()), ciphertext));
        assertArrayEquals(plain, decrypt(PROVIDER.configure(TestKeys.otherFull()), ciphertext));
    }

    @Test
    void refusesMessagesWithoutIntegrityProtection() throws Exception {
        byte[] ciphertext = handMade(new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(false),
                g -> g.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(otherEncryptionKey())), false, new byte[] {1, 2});
        IOException e = assertThrows(IOException.class, () -> decrypt(PROVIDER.configure(TestKeys.otherFull()), ciphertext));
        assertTrue(e.getMessage().contains("not integrity protected"), e.getMessage());
    }

    @Test
    void refusesPasswordOnlyMessages() throws Exception {
        byte[] ciphertext = handMade(new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(true),
                g -> g.addMethod(new BcPBEKeyEncryptionMethodGenerator("secret".toCharArray())), false, new byte[] {1, 2});
        IOException e = assertThrows(IOException.class, () -> decrypt(PROVIDER.configure(TestKeys.otherFull()), ciphertext));
        assertTrue(e.getMessage().contains("password"), e.getMessage());
    }

    @Test
    void readsCompressedMessagesOtherCiphersAndHiddenRecipients() throws Exception {
        byte[] plain = random(3, 300_000);
        StreamCipher cipher = PROVIDER.configure(TestKeys.otherFull());
        byte[] compressed = handMade(new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_128).setWithIntegrityPacket(true),
                g -> g.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(otherEncryptionKey())), true, plain);
        assertArrayEquals(plain, decrypt(cipher, compressed));
        byte[] camellia = handMade(new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.CAMELLIA_256).setWithIntegrityPacket(true),
                g -> g.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(otherEncryptionKey())), false, plain);
        assertArrayEquals(plain, decrypt(cipher, camellia));
        byte[] hidden = handMade(new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(true),
                g -> g.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(otherEncryptionKey()).setUseWildcardRecipient(true)),
                false, plain);
        assertArrayEquals(plain, decrypt(cipher, hidden));
    }

    /**
     * A message to a hidden recipient is tried with every decryption key the private key holds;
     * a wrong RSA key may fail with an unchecked Bouncy Castle error (ciphertext above its
     * modulus) instead of a {@code PGPException}, and that must not stop the search. Forty
     * messages make the wrong key's unchecked failure all but certain to appear.
     */
    @Test
    void hiddenRecipientsFindTheirKeyWhateverTheWrongKeysThrow() throws Exception {
        StreamCipher cipher = PROVIDER.configure(TestKeys.otherFull());
        for (int i = 0; i < 40; i++) {
            byte[] plain = random(100 + i, 1000);
            byte[] hidden = handMade(new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(true),
                    g -> g.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(otherEncryptionKey()).setUseWildcardRecipient(true)),
                    false, plain);
            assertArrayEquals(plain, decrypt(cipher, hidden), "message " + i);
        }
    }

    /**
     * Every byte of a small message, flipped in two ways, fails. The flips change bit 4, or bits
     * 0 and 7: flipping only bits 0-2 of the bit count of the RSA-encrypted session key can leave
     * its byte length, and so the session key and the content, unchanged, as in every OpenPGP
     * implementation (the count is not authenticated, but the content is).
     */
    @Test
    void everyFlippedByteFails() throws IOException {
        StreamCipher cipher = PROVIDER.configure(TestKeys.otherFull());
        byte[] ciphertext = encrypt(cipher, random(4, 100));
        for (int pattern : new int[] {0x10, 0x81}) {
            for (int at = 0; at < ciphertext.length; at++) {
                byte[] corrupt = ciphertext.clone();
                corrupt[at] ^= pattern;
                assertFails(cipher, corrupt, "byte " + at + " of " + ciphertext.length + " xor " + pattern);
            }
        }
    }

    /**
     * A failure of the ciphertext's own stream (storage) is passed on as it is, not reported as
     * a damaged message.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    void storageFailureIsNotReportedAsDamage() throws IOException {
        StreamCipher cipher = PROVIDER.configure(TestKeys.otherFull());
        byte[] ciphertext = encrypt(cipher, random(7, 1 << 20));
        IOException storage = new IOException("connection reset by storage");
        for (int failAt : new int[] {10, 500, 600_000}) {
            InputStream failing = new java.io.FilterInputStream(new ByteArrayInputStream(ciphertext)) {
                private int read;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (read >= failAt) {
                        throw storage;
                    }
                    int n = super.read(b, off, Math.min(len, failAt - read));
                    read += Math.max(n, 0);
                    return n;
                }

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }
            };
            IOException e = assertThrows(IOException.class, () -> {
                try (InputStream in = cipher.decrypt(failing)) {
                    in.readAllBytes();
                }
            });
            assertEquals(storage.getMessage(), e.getMessage(), "failing at " + failAt);
        }
    }

    /** Every truncation of a small message fails with an IOException. */
    @Test
    void everyTruncationFails() throws IOException {
        StreamCipher cipher = PROVIDER.configure(TestKeys.otherFull());
        byte[] ciphertext = encrypt(cipher, random(5, 100));
        for (int cut = 0; cut < ciphertext.length; cut++) {
            Throwable e = assertFails(cipher, Arrays.copyOf(ciphertext, cut), "cut to " + cut + " of " + ciphertext.length);
            assertInstanceOf(IOException.class, e, "cut to " + cut);
        }
    }

    private static Throwable assertFails(StreamCipher cipher, byte[] ciphertext, String what) {
        try {
            byte[] plain = decrypt(cipher, ciphertext);
            fail(what + ": decrypted to " + plain.length + " bytes without error");
            return null;
        } catch (IOException | WalKeeperException e) {
            return e;
        }
    }

    @Test
    void failureIsStickyAndEndIsVerifiedOnce() throws IOException {
        StreamCipher cipher = PROVIDER.configure(TestKeys.otherFull());
        byte[] ciphertext = encrypt(cipher, random(6, 1000));
        ciphertext[ciphertext.length - 1] ^= 1;
        try (InputStream in = cipher.decrypt(new ByteArrayInputStream(ciphertext))) {
            assertEquals(1000, in.readNBytes(1000).length, "content before the end is returned unverified");
            assertThrows(IOException.class, in::read, "the end fails");
            assertThrows(IOException.class, in::read, "and keeps failing");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
