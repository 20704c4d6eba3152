package io.walkeeper.compress;

import io.walkeeper.spi.CompressionCodec;

import java.util.Map;
import java.util.Set;

/**
 * What the codecs with one integer setting (zstd's level, brotli's quality, xz's preset) share:
 * name and extension, and {@link #configure(Map)}, which accepts that one key in its range and
 * refuses any other. Immutable.
 */
abstract class LevelledCodec implements CompressionCodec {
    private final String name;
    private final String extension;
    private final String key;
    private final int min;
    private final int max;
    private final int defaultValue;
    /** The value of the setting this instance compresses with. */
    final int level;

    LevelledCodec(String name, String extension, String key, int min, int max, int defaultValue, int level) {
        this.name = name;
        this.extension = extension;
        this.key = key;
        this.min = min;
        this.max = max;
        this.defaultValue = defaultValue;
        this.level = level;
    }

    /** @return the same codec with another value of its setting */
    abstract CompressionCodec withLevel(int value);

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String extension() {
        return extension;
    }

    /**
     * Returns a codec with the given settings; only this codec's one key is accepted. Settings
     * that are absent keep their defaults (not this codec's values).
     *
     * @param settings codec settings
     * @return the configured codec
     * @throws io.walkeeper.api.ConfigurationException if a key is unknown or the value is not an
     *     integer in range
     */
    @Override
    public final CompressionCodec configure(Map<String, String> settings) {
        CodecSettings.rejectUnknown(name, settings, Set.of(key));
        int parsed = CodecSettings.intInRange(name, settings, key, min, max, defaultValue);
        return parsed == level ? this : withLevel(parsed);
    }

    @Override
    public final String toString() {
        return name + "(" + key.substring(key.indexOf('.') + 1) + " " + level + ")";
    }
}
