package io.walkeeper.crypto;

import io.walkeeper.spi.EncryptionProvider;
import io.walkeeper.testkit.EncryptionProviderContractTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encryption contract with keys read from files: a binary public key file and an armored
 * private key file without passphrase, an armored public key file for encrypt-only settings, and
 * a binary private key file for the other key pair.
 */
class OpenPgpKeyFileContractTest extends EncryptionProviderContractTest {
    @TempDir
    static Path keys;

    private static Map<String, String> full;
    private static Map<String, String> encryptOnly;
    private static Map<String, String> other;

    @BeforeAll
    static void writeKeyFiles() {
        OpenPgpKeys.KeyPair pair = TestKeys.plainPair();
        full = Map.of(
                OpenPgpSettings.PUBLIC_KEY_PATH, TestKeys.write(keys, "c.pub.gpg", TestKeys.binary(pair.publicKey())),
                OpenPgpSettings.PRIVATE_KEY_PATH, TestKeys.write(keys, "c.sec.asc",
                        pair.privateKey().getBytes(StandardCharsets.US_ASCII)));
        encryptOnly = Map.of(OpenPgpSettings.PUBLIC_KEY_PATH, TestKeys.write(keys, "c.pub.asc",
                pair.publicKey().getBytes(StandardCharsets.US_ASCII)));
        other = Map.of(OpenPgpSettings.PRIVATE_KEY_PATH, TestKeys.write(keys, "b.sec.gpg",
                TestKeys.binary(TestKeys.otherPair().privateKey())));
    }

    @Override
    protected EncryptionProvider provider() {
        return new OpenPgpProvider();
    }

    @Override
    protected Map<String, String> fullSettings() {
        return full;
    }

    @Override
    protected Map<String, String> encryptOnlySettings() {
        return encryptOnly;
    }

    @Override
    protected Map<String, String> otherKeySettings() {
        return other;
    }

    /** The armored-key run covers the default size; the code path is the same. */
    @Override
    protected long largeStreamSize() {
        return 32L << 20;
    }
}
