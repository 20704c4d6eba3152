package io.walkeeper.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * A named stream compression format. The stored object's file extension names its codec, so a
 * restore chooses the decoder from the object, not from today's configuration. Found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.walkeeper.spi.CompressionCodec}).
 * Implementations are immutable and thread-safe; each stream they return is used by one thread.
 */
public interface CompressionCodec {

    /**
     * Returns the codec's name as users configure it, e.g. {@code lz4}.
     *
     * @return the name
     */
    String name();

    /**
     * Returns the file extension of objects this codec wrote, without the dot, e.g. {@code zst};
     * empty for an identity codec.
     *
     * @return the extension
     */
    String extension();

    /**
     * Declares the settings {@link #configure} takes (keys starting with {@link #name()} and a
     * dot), such as a level.
     *
     * @return the settings; empty by default
     */
    default java.util.List<Setting> settings() {
        return java.util.List.of();
    }

    /**
     * Returns a codec configured with settings such as a level; unknown keys are rejected.
     *
     * @param settings codec settings
     * @return a configured codec (possibly this one)
     */
    default CompressionCodec configure(Map<String, String> settings) {
        return this;
    }

    /**
     * Wraps a stream so that what is written is compressed into {@code out}. Closing the
     * returned stream finishes the format and closes {@code out}.
     *
     * @param out the destination
     * @return the compressing stream
     * @throws IOException if the format header cannot be written
     */
    OutputStream compress(OutputStream out) throws IOException;

    /**
     * Wraps a stream of compressed bytes. Reading a truncated or corrupt stream fails with an
     * {@link IOException}; it never returns silently short data.
     *
     * @param in the compressed bytes
     * @return the decompressing stream
     * @throws IOException if the format header cannot be read
     */
    InputStream decompress(InputStream in) throws IOException;
}
