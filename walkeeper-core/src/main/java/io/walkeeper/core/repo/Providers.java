package io.walkeeper.core.repo;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.Redaction;
import io.walkeeper.spi.CompressionCodec;
import io.walkeeper.spi.EncryptionProvider;
import io.walkeeper.spi.StorageProvider;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds storage providers, codecs and encryption providers with {@link ServiceLoader}, caching
 * what each class loader offers.
 */
public final class Providers {
    private static final Map<ClassLoader, List<StorageProvider>> STORAGE = new ConcurrentHashMap<>();
    private static final Map<ClassLoader, List<CompressionCodec>> CODECS = new ConcurrentHashMap<>();
    private static final Map<ClassLoader, List<EncryptionProvider>> CIPHERS = new ConcurrentHashMap<>();

    private Providers() {
    }

    private static ClassLoader loader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : Providers.class.getClassLoader();
    }

    private static <T> List<T> load(Class<T> type, ClassLoader cl) {
        List<T> found = new ArrayList<>();
        ServiceLoader.load(type, cl).forEach(found::add);
        if (cl != Providers.class.getClassLoader()) {
            for (T t : ServiceLoader.load(type, Providers.class.getClassLoader())) {
                if (found.stream().noneMatch(f -> f.getClass().getName().equals(t.getClass().getName()))) {
                    found.add(t);
                }
            }
        }
        return List.copyOf(found);
    }

    /**
     * Opens the store for a repository URI with the provider registered for its scheme.
     *
     * @param location the repository URI
     * @param settings provider settings
     * @return the open store
     * @throws ConfigurationException if no provider handles the scheme
     */
    public static BlobStore openStore(URI location, Map<String, String> settings) {
        if (Redaction.hasSecrets(location)) {
            throw new ConfigurationException("Cannot open storage '" + Redaction.uri(location) + "': the location holds "
                    + "user information, a query or a fragment (HINT: give credentials and options as settings, never in "
                    + "the location, which is shown in messages and logs)");
        }
        String scheme = location.getScheme() == null ? "" : location.getScheme().toLowerCase(Locale.ROOT);
        List<StorageProvider> all = STORAGE.computeIfAbsent(loader(), cl -> load(StorageProvider.class, cl));
        for (StorageProvider p : all) {
            if (p.supports(location)) {
                return p.open(location, settings);
            }
        }
        TreeSet<String> known = new TreeSet<>();
        all.forEach(p -> known.addAll(p.schemes()));
        throw new ConfigurationException("Cannot open storage '" + Redaction.uri(location)
                + "': no storage provider for scheme '" + scheme + "' (available: " + known + "; HINT: add the module "
                + "that provides '" + scheme + "' to the class path" + moduleHint(scheme) + ")");
    }

    /** The built-in module for a scheme walkeeper ships a provider for, or nothing. */
    private static String moduleHint(String scheme) {
        String module = switch (scheme) {
            case "file" -> "walkeeper-storage-fs";
            case "s3" -> "walkeeper-storage-s3";
            case "azure", "https" -> "walkeeper-storage-azure";
            case "gs" -> "walkeeper-storage-gcs";
            default -> null;
        };
        return module == null ? ", a StorageProvider registered through ServiceLoader" : ": " + module;
    }

    /**
     * Returns every codec on the class path.
     *
     * @return the codecs
     */
    public static List<CompressionCodec> codecs() {
        return CODECS.computeIfAbsent(loader(), cl -> load(CompressionCodec.class, cl));
    }

    /**
     * Finds a codec by name.
     *
     * @param name the codec name, e.g. {@code lz4}
     * @return the codec
     * @throws ConfigurationException if none has that name
     */
    public static CompressionCodec codec(String name) {
        for (CompressionCodec c : codecs()) {
            if (c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        TreeSet<String> known = new TreeSet<>();
        codecs().forEach(c -> known.add(c.name()));
        throw new ConfigurationException("Unknown compression '" + name + "' (available: " + known
                + "; add walkeeper-compress to the class path for lz4, zstd and none)");
    }

    /**
     * Finds an encryption provider by name.
     *
     * @param name the provider name, e.g. {@code openpgp}
     * @return the provider
     * @throws ConfigurationException if none has that name
     */
    public static EncryptionProvider encryption(String name) {
        List<EncryptionProvider> all = CIPHERS.computeIfAbsent(loader(), cl -> load(EncryptionProvider.class, cl));
        for (EncryptionProvider p : all) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new ConfigurationException("Unknown encryption '" + name + "': no provider of that name on the class path");
    }

    /**
     * Returns every encryption provider on the class path.
     *
     * @return the providers
     */
    public static List<EncryptionProvider> encryptionProviders() {
        return CIPHERS.computeIfAbsent(loader(), cl -> load(EncryptionProvider.class, cl));
    }
}
