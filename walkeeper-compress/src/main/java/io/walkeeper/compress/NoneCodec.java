package io.walkeeper.compress;

import io.walkeeper.spi.CompressionCodec;
import io.walkeeper.spi.SettingsReader;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code none} codec: stores bytes as they are, with no extension. It has no framing, so it
 * cannot detect truncation or corruption itself; the repository's checksums must. Immutable and
 * thread-safe; takes no settings.
 */
public final class NoneCodec implements CompressionCodec {

    /** The codec's name, {@value}. */
    public static final String NAME = "none";
    /** The extension of objects this codec wrote: none. */
    public static final String EXTENSION = "";

    /** Creates the codec; used by {@link java.util.ServiceLoader}. */
    public NoneCodec() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String extension() {
        return EXTENSION;
    }

    /**
     * Returns this codec; the identity codec takes no settings.
     *
     * @param settings must be empty
     * @return this codec
     * @throws io.walkeeper.api.ConfigurationException if a setting is given
     */
    @Override
    public CompressionCodec configure(Map<String, String> settings) {
        SettingsReader.of("Cannot configure compression codec '" + NAME + "'", List.of(), settings);
        return this;
    }

    /**
     * Returns {@code out} itself: closing it closes the destination.
     *
     * @param out the destination
     * @return {@code out}
     */
    @Override
    public OutputStream compress(OutputStream out) {
        return Objects.requireNonNull(out, "out");
    }

    /**
     * Returns {@code in} itself.
     *
     * @param in the stored bytes
     * @return {@code in}
     */
    @Override
    public InputStream decompress(InputStream in) {
        return Objects.requireNonNull(in, "in");
    }

    @Override
    public String toString() {
        return NAME;
    }
}
