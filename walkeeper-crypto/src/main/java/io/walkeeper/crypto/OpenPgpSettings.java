package io.walkeeper.crypto;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.Setting;
import io.walkeeper.spi.SettingsReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;

/**
 * The parsed settings of {@link OpenPgpProvider}: which keys new objects are encrypted to, and
 * which private keys (with which passphrase) read objects back. Built once by
 * {@link #parse(Map)}; immutable and thread-safe.
 *
 * <p>Settings (none has a default):
 * <ul>
 *   <li>{@value #PUBLIC_KEY}: one or more public keys, armored ({@code gpg --export --armor}).</li>
 *   <li>{@value #PUBLIC_KEY_PATH}: a file holding public keys, armored or binary.</li>
 *   <li>{@value #PRIVATE_KEY}: one or more private keys, armored
 *       ({@code gpg --export-secret-keys --armor}); WAL-G's {@code WALG_PGP_KEY}.</li>
 *   <li>{@value #PRIVATE_KEY_PATH}: a file holding private keys, armored or binary; WAL-G's
 *       {@code WALG_PGP_KEY_PATH}.</li>
 *   <li>{@value #PASSPHRASE}: the passphrase of the private keys, if they are protected; WAL-G's
 *       {@code WALG_PGP_KEY_PASSPHRASE}. Empty means none; ignored without a private key.</li>
 * </ul>
 * Each key is given either as text or as a path, not both. A setting may hold several keys
 * (armored blocks one after another, or binary key rings concatenated): new objects are then
 * encrypted to each of them, and any of the private keys decrypts. New objects are encrypted to
 * the public keys if they are set, otherwise to the public half of the private keys. Encrypting needs
 * no private key and no passphrase; decrypting needs the private key of one of the keys an
 * object was encrypted to.
 *
 * @param encryptionKeys the keys new objects are encrypted to: one per configured key ring, never empty
 * @param secretKeys the private key rings objects are decrypted with, or {@code null} to encrypt only
 * @param passphrase the passphrase of the private keys, or {@code null} if none was given; the
 *     accessor returns a copy
 * @param verificationKeys every public key configured (all keys of the public key rings and the
 *     public halves of the private key rings), against which manifest signatures are verified
 */
public record OpenPgpSettings(List<PGPPublicKey> encryptionKeys, PGPSecretKeyRingCollection secretKeys,
                              char[] passphrase, List<PGPPublicKey> verificationKeys) {

    /** Prefix of every setting of this provider. */
    public static final String PREFIX = "openpgp.";
    /** Public keys to encrypt to, as armored text. No default. */
    public static final String PUBLIC_KEY = PREFIX + "public-key";
    /** Path of a file holding the public keys to encrypt to, armored or binary. No default. */
    public static final String PUBLIC_KEY_PATH = PREFIX + "public-key-path";
    /** Private keys to decrypt with, as armored text. No default. */
    public static final String PRIVATE_KEY = PREFIX + "private-key";
    /** Path of a file holding the private keys to decrypt with, armored or binary. No default. */
    public static final String PRIVATE_KEY_PATH = PREFIX + "private-key-path";
    /** Passphrase protecting the private keys. No default (unprotected keys). */
    public static final String PASSPHRASE = PREFIX + "passphrase";
    /** Every setting this provider accepts. */
    public static final Set<String> KEYS = Set.of(PUBLIC_KEY, PUBLIC_KEY_PATH, PRIVATE_KEY, PRIVATE_KEY_PATH, PASSPHRASE);
    /** Every setting, with walkeeper's and WAL-G's environment variables (walkeeper's first). */
    static final List<Setting> DECLARED = List.of(
            Setting.text(PUBLIC_KEY).environment("WALKEEPER_PGP_PUBLIC_KEY")
                    .description("OpenPGP public key(s), armored, that new objects are encrypted to").build(),
            Setting.path(PUBLIC_KEY_PATH).environment("WALKEEPER_PGP_PUBLIC_KEY_PATH")
                    .description("File holding the OpenPGP public key(s)").build(),
            Setting.text(PRIVATE_KEY).secret().environment("WALKEEPER_PGP_KEY", "WALG_PGP_KEY")
                    .description("OpenPGP private key(s), armored, that decrypt; encrypt too without a public key").build(),
            Setting.path(PRIVATE_KEY_PATH).environment("WALKEEPER_PGP_KEY_PATH", "WALG_PGP_KEY_PATH")
                    .description("File holding the OpenPGP private key(s)").build(),
            Setting.text(PASSPHRASE).secret().environment("WALKEEPER_PGP_PASSPHRASE", "WALG_PGP_KEY_PASSPHRASE")
                    .description("Passphrase of the private key(s)").build());

    /**
     * Creates the settings.
     *
     * @param encryptionKeys the keys new objects are encrypted to, not empty
     * @param secretKeys the private key rings, or {@code null}
     * @param passphrase the passphrase, or {@code null}; copied
     * @throws IllegalArgumentException if {@code encryptionKeys} is empty
     */
    public OpenPgpSettings {
        encryptionKeys = List.copyOf(encryptionKeys);
        if (encryptionKeys.isEmpty()) {
            throw new IllegalArgumentException("encryptionKeys is empty");
        }
        passphrase = passphrase == null ? null : passphrase.clone();
        verificationKeys = verificationKeys == null ? List.of() : List.copyOf(verificationKeys);
    }

    /**
     * Creates the settings, verifying signatures against the encryption keys and the private
     * keys' public halves.
     *
     * @param encryptionKeys the keys new objects are encrypted to, not empty
     * @param secretKeys the private key rings, or {@code null}
     * @param passphrase the passphrase, or {@code null}; copied
     */
    public OpenPgpSettings(List<PGPPublicKey> encryptionKeys, PGPSecretKeyRingCollection secretKeys, char[] passphrase) {
        this(encryptionKeys, secretKeys, passphrase, verification(encryptionKeys, secretKeys));
    }

    private static List<PGPPublicKey> verification(List<PGPPublicKey> publicKeys, PGPSecretKeyRingCollection secretKeys) {
        List<PGPPublicKey> keys = new ArrayList<>(publicKeys);
        if (secretKeys != null) {
            rings(secretKeys).forEach(keys::addAll);
        }
        return keys;
    }

    /**
     * Parses and checks a settings map, reading key files once.
     *
     * @param settings the settings, keys as in {@link #KEYS}
     * @return the parsed settings
     * @throws ConfigurationException naming the setting that is unknown, conflicting, unreadable or
     *     malformed, or if no key is configured at all
     */
    public static OpenPgpSettings parse(Map<String, String> settings) {
        Objects.requireNonNull(settings, "settings");
        settings.forEach((key, value) -> {
            if (value == null) {
                throw new ConfigurationException("Invalid setting " + key + ": it has no value");
            }
        });
        SettingsReader.of("Cannot configure openpgp encryption", DECLARED, settings);
        requireAtMostOne(settings, PUBLIC_KEY, PUBLIC_KEY_PATH);
        requireAtMostOne(settings, PRIVATE_KEY, PRIVATE_KEY_PATH);

        PGPSecretKeyRingCollection secretKeys = null;
        String secretSetting = null;
        if (settings.containsKey(PRIVATE_KEY)) {
            secretSetting = PRIVATE_KEY;
            secretKeys = KeyRingParser.secretKeys(PRIVATE_KEY, utf8(settings.get(PRIVATE_KEY)));
        } else if (settings.containsKey(PRIVATE_KEY_PATH)) {
            secretSetting = PRIVATE_KEY_PATH;
            secretKeys = KeyRingParser.secretKeys(PRIVATE_KEY_PATH,
                    KeyRingParser.readFile(PRIVATE_KEY_PATH, settings.get(PRIVATE_KEY_PATH)));
        }

        List<PGPPublicKey> encryptionKeys;
        PGPPublicKeyRingCollection publicRings = null;
        Instant now = Instant.now();
        if (settings.containsKey(PUBLIC_KEY)) {
            publicRings = KeyRingParser.publicKeys(PUBLIC_KEY, utf8(settings.get(PUBLIC_KEY)));
            encryptionKeys = RecipientKeys.select(PUBLIC_KEY, rings(publicRings), now);
        } else if (settings.containsKey(PUBLIC_KEY_PATH)) {
            byte[] data = KeyRingParser.readFile(PUBLIC_KEY_PATH, settings.get(PUBLIC_KEY_PATH));
            publicRings = KeyRingParser.publicKeys(PUBLIC_KEY_PATH, data);
            encryptionKeys = RecipientKeys.select(PUBLIC_KEY_PATH, rings(publicRings), now);
        } else if (secretKeys != null) {
            encryptionKeys = RecipientKeys.select(secretSetting, rings(secretKeys), now);
        } else {
            throw new ConfigurationException("Cannot configure openpgp encryption: no key is configured (HINT: set "
                    + PUBLIC_KEY + " or " + PUBLIC_KEY_PATH + " to encrypt, and " + PRIVATE_KEY + " or "
                    + PRIVATE_KEY_PATH + " to decrypt as well)");
        }

        List<PGPPublicKey> verificationKeys = new ArrayList<>();
        if (publicRings != null) {
            rings(publicRings).forEach(verificationKeys::addAll);
        }
        if (secretKeys != null) {
            rings(secretKeys).forEach(verificationKeys::addAll);
        }
        String passphrase = settings.get(PASSPHRASE);
        return new OpenPgpSettings(encryptionKeys, secretKeys,
                passphrase == null || passphrase.isEmpty() ? null : passphrase.toCharArray(), verificationKeys);
    }

    /**
     * Tells whether a private key is configured, so that objects can be decrypted.
     *
     * @return {@code true} if {@link #secretKeys()} is set
     */
    public boolean canDecrypt() {
        return secretKeys != null;
    }

    /**
     * Returns a copy of the passphrase.
     *
     * @return the passphrase, or {@code null} if none was given
     */
    @Override
    public char[] passphrase() {
        return passphrase == null ? null : passphrase.clone();
    }

    /**
     * Compares the key ids, the private key rings and the passphrase.
     *
     * @param other another object
     * @return {@code true} if {@code other} holds the same settings
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof OpenPgpSettings that
                && encryptionKeyIds().equals(that.encryptionKeyIds())
                && Objects.equals(secretKeys, that.secretKeys)
                && Arrays.equals(passphrase, that.passphrase);
    }

    /**
     * Hashes the encryption key ids.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return encryptionKeyIds().hashCode();
    }

    /**
     * Describes the settings by key ids, without key material or passphrase.
     *
     * @return for example {@code OpenPgpSettings[encryptionKeys=[0123456789ABCDEF], canDecrypt=true]}
     */
    @Override
    public String toString() {
        return "OpenPgpSettings[encryptionKeys=" + encryptionKeyIds().stream().map(KeyIds::format).toList()
                + ", canDecrypt=" + canDecrypt() + ", passphrase=" + (passphrase == null ? "none" : "<hidden>") + "]";
    }

    /**
     * Returns the ids of the keys new objects are encrypted to.
     *
     * @return the key ids, in configuration order
     */
    public List<Long> encryptionKeyIds() {
        return encryptionKeys.stream().map(PGPPublicKey::getKeyID).toList();
    }

    private static void requireAtMostOne(Map<String, String> settings, String text, String path) {
        if (settings.containsKey(text) && settings.containsKey(path)) {
            throw new ConfigurationException("Cannot configure openpgp encryption: both " + text + " and " + path
                    + " are set (HINT: set only one of them)");
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<List<PGPPublicKey>> rings(PGPPublicKeyRingCollection collection) {
        List<List<PGPPublicKey>> rings = new ArrayList<>();
        for (PGPPublicKeyRing ring : collection) {
            List<PGPPublicKey> keys = new ArrayList<>();
            ring.getPublicKeys().forEachRemaining(keys::add);
            rings.add(keys);
        }
        return rings;
    }

    private static List<List<PGPPublicKey>> rings(PGPSecretKeyRingCollection collection) {
        List<List<PGPPublicKey>> rings = new ArrayList<>();
        for (PGPSecretKeyRing ring : collection) {
            List<PGPPublicKey> keys = new ArrayList<>();
            ring.getPublicKeys().forEachRemaining(keys::add);
            rings.add(keys);
        }
        return rings;
    }
}
