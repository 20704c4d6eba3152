package io.walkeeper.cli;

import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.storage.StorageOptions;
import io.walkeeper.spi.CompressionCodec;
import io.walkeeper.spi.EncryptionProvider;
import io.walkeeper.spi.Setting;
import io.walkeeper.spi.StorageProvider;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The settings the providers on the class path declare: each storage provider's, each encryption
 * provider's, each codec's, and the engine's shared {@code storage.} options. The command-line tool loops over
 * these instead of knowing any provider, so a platform team's own provider (added with
 * {@code WALKEEPER_CLASSPATH}) gets its environment variables mapped without touching walkeeper.
 *
 * <p>Immutable after construction.
 */
final class ProviderKeys {
    /**
     * A group of settings with the namespace they share and who declares them.
     *
     * @param title what the settings configure
     * @param prefix their namespace, e.g. {@code s3.}
     * @param settings the settings
     * @param declaredBy the provider (or engine) class that declares them
     */
    record Group(String title, String prefix, List<Setting> settings, Class<?> declaredBy) {
    }

    private final List<StorageProvider> storage;
    private final List<EncryptionProvider> encryption;
    private final List<CompressionCodec> codecs;

    private ProviderKeys(List<StorageProvider> storage, List<EncryptionProvider> encryption, List<CompressionCodec> codecs) {
        this.storage = List.copyOf(storage);
        this.encryption = List.copyOf(encryption);
        this.codecs = List.copyOf(codecs);
    }

    /**
     * Finds the providers with {@link ServiceLoader}, in a stable order.
     *
     * @return the catalogue
     */
    static ProviderKeys discover() {
        List<StorageProvider> storage = new ArrayList<>();
        ServiceLoader.load(StorageProvider.class).forEach(storage::add);
        storage.sort(Comparator.comparing(StorageProvider::settingsPrefix));
        List<EncryptionProvider> encryption = new ArrayList<>();
        ServiceLoader.load(EncryptionProvider.class).forEach(encryption::add);
        encryption.sort(Comparator.comparing(EncryptionProvider::name));
        List<CompressionCodec> codecs = new ArrayList<>(Providers.codecs());
        codecs.sort(Comparator.comparing(CompressionCodec::name));
        return new ProviderKeys(storage, encryption, codecs);
    }

    /**
     * Returns the storage provider that opens a location.
     *
     * @param location the repository URI
     * @return the provider, if one on the class path supports it
     */
    Optional<StorageProvider> storageFor(URI location) {
        return storage.stream().filter(p -> p.supports(location)).findFirst();
    }

    /** @return the engine's {@code storage.} settings, shared by every provider */
    List<Setting> sharedStorage() {
        return StorageOptions.SETTINGS;
    }

    /** @return the encryption providers, by name */
    List<EncryptionProvider> encryption() {
        return encryption;
    }

    /**
     * Returns every declared group: each storage provider, the shared storage options, each
     * encryption provider.
     *
     * @return the groups, in documentation order
     */
    List<Group> groups() {
        List<Group> out = new ArrayList<>();
        for (StorageProvider p : storage) {
            out.add(new Group("Storage: " + String.join(", ", new java.util.TreeSet<>(p.schemes())) + " URIs",
                    p.settingsPrefix(), p.settings(), p.getClass()));
        }
        out.add(new Group("Retries and limits, every storage", StorageOptions.PREFIX, StorageOptions.SETTINGS,
                StorageOptions.class));
        for (EncryptionProvider p : encryption) {
            out.add(new Group("Encryption: " + p.name(), p.name() + ".", p.settings(), p.getClass()));
        }
        for (CompressionCodec c : codecs) {
            if (!c.settings().isEmpty()) {
                out.add(new Group("Compression: " + c.name(), c.name() + ".", c.settings(), c.getClass()));
            }
        }
        return out;
    }

    /**
     * Returns the namespaces of the declared settings: a key with a dot in a configuration file
     * must start with one of them.
     *
     * @return prefixes such as {@code s3.}
     */
    Set<String> namespaces() {
        Set<String> out = new java.util.TreeSet<>();
        groups().forEach(g -> out.add(g.prefix()));
        return out;
    }

    /**
     * Returns every declared setting's key.
     *
     * @return keys such as {@code s3.region}
     */
    Set<String> settingKeys() {
        Set<String> out = new java.util.TreeSet<>();
        groups().forEach(g -> g.settings().forEach(s -> out.add(s.key())));
        return out;
    }

    /**
     * Returns the settings a codec declares.
     *
     * @param name the codec's name
     * @return its settings; empty for a codec that is not on the class path
     */
    List<Setting> codecSettings(String name) {
        return codecs.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst().map(CompressionCodec::settings)
                .orElse(List.of());
    }

    /**
     * Returns every environment variable a declared setting maps.
     *
     * @return variable names
     */
    Set<String> environmentNames() {
        Set<String> out = new LinkedHashSet<>();
        groups().forEach(g -> g.settings().forEach(s -> out.addAll(s.environment())));
        return out;
    }

    /**
     * Returns the environment variables and keys of secret settings.
     *
     * @return names and keys
     */
    Set<String> secretNames() {
        Set<String> out = new LinkedHashSet<>();
        groups().forEach(g -> g.settings().stream().filter(Setting::secret).forEach(s -> {
            out.add(s.key());
            out.addAll(s.environment());
        }));
        return out;
    }
}
