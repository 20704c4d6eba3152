package io.walkeeper.crypto;

import io.walkeeper.spi.EncryptionProvider;
import io.walkeeper.testkit.EncryptionProviderContractTest;
import java.util.Map;

/**
 * The encryption contract with armored keys given as text, as WAL-G's {@code WALG_PGP_KEY} holds
 * them: a passphrase-protected private key (encrypting to its own public key) and its public key
 * alone for encrypt-only settings.
 */
class OpenPgpArmoredContractTest extends EncryptionProviderContractTest {

    @Override
    protected EncryptionProvider provider() {
        return new OpenPgpProvider();
    }

    @Override
    protected Map<String, String> fullSettings() {
        return TestKeys.protectedFull();
    }

    @Override
    protected Map<String, String> encryptOnlySettings() {
        return Map.of(OpenPgpSettings.PUBLIC_KEY, TestKeys.protectedPair().publicKey());
    }

    @Override
    protected Map<String, String> otherKeySettings() {
        return TestKeys.otherFull();
    }
}
