package io.walkeeper.spi;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One setting a provider (or the engine) declares: its key, what values it takes, its default,
 * whether it is a secret, and the environment variables a command-line tool maps onto it. A
 * provider lists its settings ({@link StorageProvider#settings()},
 * {@link EncryptionProvider#settings()}, {@link CompressionCodec#settings()}); the command-line
 * tool reads them to know which variables to look at, and {@link SettingsReader} parses a
 * settings map against them, so every provider reports unknown keys and malformed values the same
 * way.
 *
 * <p>Immutable and thread-safe. Built with {@link #text(String)}, {@link #bool(String)},
 * {@link #integer(String, long, long)}, {@link #size(String, long, long)},
 * {@link #url(String)}, {@link #path(String)} or {@link #choice(String, String...)} and the
 * {@link Builder}.
 */
public final class Setting {
    /** What values a setting takes. */
    public enum Type {
        /** Any text. */
        TEXT,
        /** {@code true} or {@code false}, case-insensitive. */
        BOOLEAN,
        /** A whole number in a range. */
        INTEGER,
        /** A number of bytes, optionally with {@code K}, {@code M}, {@code G} or {@code T} (powers of 1024), in a range. */
        SIZE,
        /** An {@code http} or {@code https} URL without user information, query or fragment. */
        URL,
        /** A file system path. */
        PATH,
        /** One of a fixed list of words, case-insensitive. */
        CHOICE
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(?:([KMGT])(?:I?B)?|B)?", Pattern.CASE_INSENSITIVE);

    private final String key;
    private final Type type;
    private final String description;
    private final String defaultValue;
    private final long min;
    private final long max;
    private final List<String> choices;
    private final boolean secret;
    private final List<String> environment;

    private Setting(Builder b) {
        this.key = b.key;
        this.type = b.type;
        this.description = b.description;
        this.defaultValue = b.defaultValue;
        this.min = b.min;
        this.max = b.max;
        this.choices = List.copyOf(b.choices);
        this.secret = b.secret;
        this.environment = List.copyOf(b.environment);
        if (defaultValue != null) {
            check(defaultValue);
        }
    }

    /**
     * Starts a text setting.
     *
     * @param key the key, such as {@code s3.region}
     * @return the builder
     */
    public static Builder text(String key) {
        return new Builder(key, Type.TEXT);
    }

    /**
     * Starts a boolean setting.
     *
     * @param key the key
     * @return the builder
     */
    public static Builder bool(String key) {
        return new Builder(key, Type.BOOLEAN);
    }

    /**
     * Starts a whole-number setting.
     *
     * @param key the key
     * @param min the smallest value accepted
     * @param max the largest value accepted
     * @return the builder
     */
    public static Builder integer(String key, long min, long max) {
        Builder b = new Builder(key, Type.INTEGER);
        b.min = min;
        b.max = max;
        return b;
    }

    /**
     * Starts a size setting: bytes, or a number with {@code K}, {@code M}, {@code G} or {@code T}
     * ({@code KB}, {@code KiB}, … are read the same way, as powers of 1024).
     *
     * @param key the key
     * @param min the smallest number of bytes accepted
     * @param max the largest number of bytes accepted
     * @return the builder
     */
    public static Builder size(String key, long min, long max) {
        Builder b = new Builder(key, Type.SIZE);
        b.min = min;
        b.max = max;
        return b;
    }

    /**
     * Starts a URL setting ({@code http} or {@code https}).
     *
     * @param key the key
     * @return the builder
     */
    public static Builder url(String key) {
        return new Builder(key, Type.URL);
    }

    /**
     * Starts a path setting.
     *
     * @param key the key
     * @return the builder
     */
    public static Builder path(String key) {
        return new Builder(key, Type.PATH);
    }

    /**
     * Starts a setting that takes one of a few words.
     *
     * @param key the key
     * @param choices the words, as they are canonically written
     * @return the builder
     */
    public static Builder choice(String key, String... choices) {
        Builder b = new Builder(key, Type.CHOICE);
        b.choices.addAll(List.of(choices));
        return b;
    }

    /** @return the key, such as {@code s3.region} */
    public String key() {
        return key;
    }

    /** @return what values the setting takes */
    public Type type() {
        return type;
    }

    /** @return one sentence saying what the setting does */
    public String description() {
        return description;
    }

    /** @return the value used when the setting is absent, as text; empty when there is none or it depends on other settings */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** @return the smallest value of an {@link Type#INTEGER} or {@link Type#SIZE} setting */
    public long min() {
        return min;
    }

    /** @return the largest value of an {@link Type#INTEGER} or {@link Type#SIZE} setting */
    public long max() {
        return max;
    }

    /** @return the words a {@link Type#CHOICE} setting takes */
    public List<String> choices() {
        return choices;
    }

    /** @return whether the value is a secret: never logged, shown or written into a command */
    public boolean secret() {
        return secret;
    }

    /**
     * Returns the environment variables a command-line tool reads for this setting, in order of
     * precedence (the first one set wins), such as {@code AWS_REGION}.
     *
     * @return variable names, possibly empty
     */
    public List<String> environment() {
        return environment;
    }

    /**
     * Describes the values accepted, for messages and documentation.
     *
     * @return for example {@code a whole number from 1 to 64}
     */
    public String expected() {
        return switch (type) {
            case TEXT -> "text";
            case BOOLEAN -> "true or false";
            case INTEGER -> "a whole number from " + min + " to " + max;
            case SIZE -> "a size from " + min + " to " + max + " bytes, in bytes or with K, M, G (powers of 1024), e.g. 16MB";
            case URL -> "an http or https URL without user information, query or fragment, e.g. http://127.0.0.1:9000";
            case PATH -> "a file path";
            case CHOICE -> "one of " + String.join(", ", choices);
        };
    }

    /**
     * Checks a value and returns it in canonical form: trimmed, a boolean as {@code true} or
     * {@code false}, a size as a number of bytes, a choice as declared.
     *
     * @param value the raw value, not blank
     * @return the canonical text
     * @throws IllegalArgumentException if the value is not accepted; the message is
     *     {@link #expected()} and never holds the value
     */
    public String check(String value) {
        String v = Objects.requireNonNull(value, "value").trim();
        return switch (type) {
            case TEXT -> v;
            case BOOLEAN -> switch (v.toLowerCase(Locale.ROOT)) {
                case "true" -> "true";
                case "false" -> "false";
                default -> throw new IllegalArgumentException(expected());
            };
            case INTEGER -> Long.toString(inRange(parseLong(v)));
            case SIZE -> Long.toString(inRange(parseSize(v)));
            case URL -> checkUrl(v);
            case PATH -> {
                try {
                    yield Path.of(v).toString();
                } catch (InvalidPathException e) {
                    throw new IllegalArgumentException(expected(), e);
                }
            }
            case CHOICE -> choices.stream().filter(c -> c.equalsIgnoreCase(v)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(expected()));
        };
    }

    private long parseLong(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(expected(), e);
        }
    }

    private long parseSize(String v) {
        Matcher m = SIZE.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException(expected());
        }
        int shift = m.group(2) == null ? 0 : 10 * ("KMGT".indexOf(Character.toUpperCase(m.group(2).charAt(0))) + 1);
        long n = parseLong(m.group(1));
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException(expected());
        }
        return n << shift;
    }

    private long inRange(long n) {
        if (n < min || n > max) {
            throw new IllegalArgumentException(expected());
        }
        return n;
    }

    private String checkUrl(String v) {
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(expected(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(expected());
        }
        return v;
    }

    /**
     * Describes the setting by key and type; never a value.
     *
     * @return for example {@code Setting[s3.region TEXT]}
     */
    @Override
    public String toString() {
        return "Setting[" + key + " " + type + "]";
    }

    /** Completes a {@link Setting}. Not thread-safe. */
    public static final class Builder {
        private final String key;
        private final Type type;
        private String description = "";
        private String defaultValue;
        private long min = Long.MIN_VALUE;
        private long max = Long.MAX_VALUE;
        private final List<String> choices = new ArrayList<>();
        private boolean secret;
        private final List<String> environment = new ArrayList<>();

        private Builder(String key, Type type) {
            if (key == null || !key.matches("[A-Za-z][A-Za-z0-9_]*(\\.[a-z0-9][a-z0-9-]*)*")) {
                throw new IllegalArgumentException("Invalid setting key: " + key);
            }
            this.key = key;
            this.type = type;
        }

        /**
         * Says what the setting does.
         *
         * @param text one sentence
         * @return this builder
         */
        public Builder description(String text) {
            this.description = Objects.requireNonNull(text, "text");
            return this;
        }

        /**
         * Sets the value used when the setting is absent.
         *
         * @param value the default, as a user would write it; checked when built
         * @return this builder
         */
        public Builder defaultValue(Object value) {
            this.defaultValue = String.valueOf(value);
            return this;
        }

        /**
         * Marks the setting as a secret.
         *
         * @return this builder
         */
        public Builder secret() {
            this.secret = true;
            return this;
        }

        /**
         * Names the environment variables a command-line tool maps onto this setting, first one
         * winning.
         *
         * @param names variable names, such as {@code AWS_REGION}
         * @return this builder
         */
        public Builder environment(String... names) {
            for (String n : names) {
                if (!n.matches("[A-Z][A-Z0-9_]*")) {
                    throw new IllegalArgumentException("Invalid environment variable name: " + n);
                }
                environment.add(n);
            }
            return this;
        }

        /**
         * Builds the setting.
         *
         * @return the setting
         * @throws IllegalArgumentException if the default is not an accepted value
         */
        public Setting build() {
            return new Setting(this);
        }
    }
}
