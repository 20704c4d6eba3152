package io.walkeeper.crypto;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.EncryptionProvider;
import io.walkeeper.spi.Setting;
import io.walkeeper.spi.StreamCipher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenPGP encryption ({@code openpgp}, objects end in {@code .pgp}) in the standard message
 * format that GnuPG and WAL-G's PGP encryption use; it takes WAL-G's key settings as they are.
 * Settings are described by {@link OpenPgpSettings}: pushing needs a public key, or a private
 * key whose public half is used; fetching needs the private key and, if it is protected, its
 * passphrase.
 *
 * <p>Each object is one OpenPGP message (RFC 4880): a public-key encrypted session key for every
 * configured recipient, then the data encrypted with AES-256 in an integrity-protected packet
 * (SEIPD with a modification detection code), holding a binary literal data packet. Both are
 * written in partial-length chunks, so nothing is buffered beyond 64 KiB. There is no compression
 * inside the message. Decryption reads messages from GnuPG too, including compressed and signed
 * ones (signatures are ignored), but refuses messages without integrity protection.
 *
 * <p>Failures of {@link StreamCipher#decrypt}:
 * <ul>
 *   <li>no private key configured, the object encrypted to other keys than the configured ones
 *       (the message names both sets of key ids), a protected key without passphrase, or a wrong
 *       passphrase ("wrong passphrase for key &lt;id&gt;"): {@link ConfigurationException}, thrown by
 *       {@code decrypt} itself. A message for another key is a configuration problem, not damage:
 *       the object is intact and the fix is to configure the key it was written with.</li>
 *   <li>damaged, truncated or tampered ciphertext, data appended to it, or a message without
 *       integrity protection: {@link java.io.IOException}, from {@code decrypt} when the head is
 *       affected and otherwise from the read that reaches the end; the engine reports it as an
 *       {@link io.walkeeper.api.IntegrityException} naming the object.</li>
 * </ul>
 * The modification detection code covers the whole message and is checked at its end, so content
 * read before the end of the stream is not authenticated yet: callers must read to the end before
 * trusting it (the engine writes to a temporary file and renames it only after success).
 *
 * <p>Thread-safe: one configured cipher serves any number of threads, each stream one thread.
 */
public final class OpenPgpProvider implements EncryptionProvider {
    /** The provider name, as users configure it. */
    public static final String NAME = "openpgp";
    /** The extension of encrypted objects, after the codec's. */
    public static final String EXTENSION = "pgp";

    private static final Logger LOG = LoggerFactory.getLogger(OpenPgpProvider.class);

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public OpenPgpProvider() {
    }

    /** @return {@value #NAME} */
    /**
     * Declares the {@link OpenPgpSettings} keys, with walkeeper's and WAL-G's environment variables.
     *
     * @return every setting
     */
    @Override
    public List<Setting> settings() {
        return OpenPgpSettings.DECLARED;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** @return {@value #EXTENSION} */
    @Override
    public String extension() {
        return EXTENSION;
    }

    /**
     * Parses the settings (see {@link OpenPgpSettings}), reading key files once, and returns a
     * thread-safe cipher. Private keys are unlocked on first use, so a missing or wrong passphrase
     * shows when an object is decrypted, not here: pushing works without it.
     *
     * @param settings the {@code openpgp.*} settings
     * @return the cipher
     * @throws ConfigurationException naming the setting that is unknown, conflicting, unreadable or
     *     malformed, or if no key is configured
     */
    @Override
    public StreamCipher configure(Map<String, String> settings) {
        OpenPgpSettings parsed = OpenPgpSettings.parse(settings);
        if (parsed.canDecrypt()) {
            List<Long> unreadable = new ArrayList<>();
            for (Long keyId : parsed.encryptionKeyIds()) {
                if (parsed.secretKeys().getSecretKey(keyId) == null) {
                    unreadable.add(keyId);
                }
            }
            if (!unreadable.isEmpty()) {
                LOG.warn("OpenPGP: new objects are encrypted to key(s) {}, whose private key is not configured: "
                        + "they cannot be read back with these settings", KeyIds.format(unreadable));
            }
        }
        LOG.debug("OpenPGP: encrypting to key(s) {}; decryption {}", KeyIds.format(parsed.encryptionKeyIds()),
                parsed.canDecrypt() ? "configured" : "not configured");
        return new OpenPgpCipher(parsed);
    }
}
