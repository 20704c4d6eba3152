package io.walkeeper.compress;

import io.walkeeper.spi.CompressionCodec;
import io.walkeeper.spi.Setting;
import io.walkeeper.spi.SettingsReader;

import java.util.List;
import java.util.Map;

/**
 * What the codecs with one integer setting (zstd's level, brotli's quality, xz's preset) share:
 * name and extension, and {@link #configure(Map)}, which accepts that one key in its range and
 * refuses any other. Immutable.
 */
abstract class LevelledCodec implements CompressionCodec {
    private final String name;
    private final String extension;
    private final Setting setting;
    /** The value of the setting this instance compresses with. */
    final int level;

    LevelledCodec(String name, String extension, String key, int min, int max, int defaultValue, int level) {
        this.name = name;
        this.extension = extension;
        this.setting = Setting.integer(key, min, max).defaultValue(defaultValue)
                .description("The " + name + " " + key.substring(key.indexOf('.') + 1) + " new objects are written with")
                .build();
        this.level = level;
    }

    /** @return the same codec with another value of its setting */
    abstract CompressionCodec withLevel(int value);

    /**
     * Declares this codec's one setting.
     *
     * @return the setting, with its range and default
     */
    @Override
    public final List<Setting> settings() {
        return List.of(setting);
    }

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
        int parsed = SettingsReader.of("Cannot configure compression codec '" + name + "'", settings(), settings)
                .integer(setting.key());
        return parsed == level ? this : withLevel(parsed);
    }

    @Override
    public final String toString() {
        return name + "(" + setting.key().substring(name.length() + 1) + " " + level + ")";
    }
}
