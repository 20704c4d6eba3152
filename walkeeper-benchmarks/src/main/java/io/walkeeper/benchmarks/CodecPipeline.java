package io.walkeeper.benchmarks;

import io.walkeeper.spi.CompressionCodec;
import io.walkeeper.spi.EncryptionProvider;
import io.walkeeper.spi.StreamCipher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * A codec as the benchmarks name it, found with {@link ServiceLoader} as the library finds it:
 * {@code NAME} (default settings), {@code NAME-LEVEL} (the codec's level setting, e.g.
 * {@code zstd-3}, {@code brotli-5}, {@code xz-6}), or {@code openpgp+SPEC}, which compresses with
 * SPEC and then encrypts, as a repository with encryption does.
 */
final class CodecPipeline {
    /** The setting that each codec's {@code -LEVEL} suffix sets. */
    private static final Map<String, String> LEVEL_SETTINGS =
            Map.of("zstd", "zstd.level", "brotli", "brotli.quality", "xz", "xz.preset");
    private static final String OPENPGP = "openpgp+";
    private static final String OPENPGP_PROVIDER_CLASS = "io.walkeeper.crypto.OpenPgpProvider";

    private final CompressionCodec codec;
    private final StreamCipher cipher;

    private CodecPipeline(CompressionCodec codec, StreamCipher cipher) {
        this.codec = codec;
        this.cipher = cipher;
    }

    /**
     * Builds the pipeline named {@code spec}.
     *
     * @param spec the name, as above
     * @param keys for {@code openpgp+}: a directory with {@code public.asc}, {@code private.asc} and
     *     {@code passphrase}
     */
    static CodecPipeline named(String spec, String keys) throws IOException {
        if (spec.startsWith(OPENPGP)) {
            return new CodecPipeline(codec(spec.substring(OPENPGP.length())), openPgp(keys));
        }
        return new CodecPipeline(codec(spec), null);
    }

    private static CompressionCodec codec(String spec) {
        int dash = spec.lastIndexOf('-');
        String name = dash < 0 ? spec : spec.substring(0, dash);
        CompressionCodec codec = ServiceLoader.load(CompressionCodec.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Cannot benchmark '" + spec + "': no codec named '"
                        + name + "' on the class path"));
        if (dash < 0) {
            return codec.configure(Map.of());
        }
        String setting = LEVEL_SETTINGS.get(name);
        if (setting == null) {
            throw new IllegalArgumentException("Cannot benchmark '" + spec + "': codec '" + name + "' has no level");
        }
        return codec.configure(Map.of(setting, spec.substring(dash + 1)));
    }

    /** Configures OpenPGP through the SPI; the provider is optional on the class path. */
    private static StreamCipher openPgp(String keys) throws IOException {
        try {
            Class.forName(OPENPGP_PROVIDER_CLASS);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Cannot benchmark OpenPGP: " + OPENPGP_PROVIDER_CLASS
                    + " is not on the class path (build walkeeper-crypto first)", e);
        }
        if (keys == null || keys.isBlank()) {
            throw new IllegalArgumentException("Cannot benchmark OpenPGP: no key directory (pass -p keys=DIR with "
                    + "public.asc, private.asc and passphrase)");
        }
        Path dir = Path.of(keys);
        EncryptionProvider provider = ServiceLoader.load(EncryptionProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("openpgp"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("Cannot benchmark OpenPGP: no provider named 'openpgp'"));
        return provider.configure(Map.of(
                "openpgp.public-key-path", dir.resolve("public.asc").toString(),
                "openpgp.private-key-path", dir.resolve("private.asc").toString(),
                "openpgp.passphrase", Files.readString(dir.resolve("passphrase")).strip()));
    }

    OutputStream compress(OutputStream out) throws IOException {
        return codec.compress(cipher == null ? out : cipher.encrypt(out));
    }

    InputStream decompress(InputStream in) throws IOException {
        return codec.decompress(cipher == null ? in : cipher.decrypt(in));
    }
}
