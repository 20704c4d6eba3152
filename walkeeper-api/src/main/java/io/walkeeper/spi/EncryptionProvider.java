package io.walkeeper.spi;

import java.util.Map;

/**
 * A named encryption scheme, applied after compression to every stored object. Found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.walkeeper.spi.EncryptionProvider}).
 * An encrypted object carries the provider's extension after the codec's, e.g. {@code .zst.pgp}.
 */
public interface EncryptionProvider {

    /**
     * Returns the provider's name as users configure it, e.g. {@code openpgp}.
     *
     * @return the name
     */
    String name();

    /**
     * Returns the file extension of objects this provider encrypted, without the dot.
     *
     * @return the extension, e.g. {@code pgp}
     */
    String extension();

    /**
     * Declares the settings {@link #configure} takes (keys starting with {@link #name()} and a
     * dot), each with its type, secrecy and the environment variables a command-line tool maps
     * onto it. A command-line tool turns the provider on when one of them is set.
     *
     * @return the settings; empty by default
     */
    default java.util.List<Setting> settings() {
        return java.util.List.of();
    }

    /**
     * Builds the cipher from settings (key material, passphrase); unknown keys are rejected.
     * Pushing needs only what {@link StreamCipher#encrypt} uses; fetching needs what
     * {@link StreamCipher#decrypt} uses, and fails clearly when it is missing.
     *
     * @param settings provider settings
     * @return the configured cipher
     * @throws io.walkeeper.api.ConfigurationException if a setting is missing or invalid
     */
    StreamCipher configure(Map<String, String> settings);
}
