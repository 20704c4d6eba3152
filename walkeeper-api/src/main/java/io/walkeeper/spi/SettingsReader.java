package io.walkeeper.spi;

import io.walkeeper.api.ConfigurationException;

import java.net.URI;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a settings map against the {@link Setting}s a provider declares: the one parser every
 * provider shares. It refuses a key that is not declared (a misspelt setting must never be
 * ignored), checks each value once, and reports problems in one form, naming the key and never a
 * secret's value:
 * {@code Cannot open S3 storage at s3://bucket/p: setting s3.part-size is '1', expected a size from …}.
 * A blank value counts as not set.
 *
 * <p>Immutable and thread-safe.
 */
public final class SettingsReader {
    private final String subject;
    private final Map<String, Setting> declared;
    private final Map<String, String> values;

    private SettingsReader(String subject, Map<String, Setting> declared, Map<String, String> values) {
        this.subject = subject;
        this.declared = declared;
        this.values = values;
    }

    /**
     * Checks {@code given} against {@code declared}.
     *
     * @param subject what is being configured, starting a message, e.g. {@code Cannot open S3 storage at s3://b/p}
     * @param declared the settings the provider takes
     * @param given the settings map; keys starting with one of {@code ignoredPrefixes} are skipped
     * @param ignoredPrefixes namespaces that belong to someone else and may be present, e.g.
     *     {@code storage.} for a storage provider
     * @return the reader
     * @throws ConfigurationException naming every unknown key and the known ones, or the first
     *     malformed value
     */
    public static SettingsReader of(String subject, Collection<Setting> declared, Map<String, String> given,
            String... ignoredPrefixes) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(given, "settings");
        Map<String, Setting> byKey = new LinkedHashMap<>();
        declared.forEach(s -> byKey.put(s.key(), s));
        Set<String> unknown = new TreeSet<>();
        for (String key : given.keySet()) {
            if (!byKey.containsKey(key) && List.of(ignoredPrefixes).stream().noneMatch(key::startsWith)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigurationException(subject + ": unknown setting(s) " + unknown + (byKey.isEmpty()
                    ? " (it takes no settings)" : " (known: " + new TreeSet<>(byKey.keySet()) + ")"));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Setting s : byKey.values()) {
            String raw = given.get(s.key());
            if (raw != null && !raw.isBlank()) {
                try {
                    values.put(s.key(), s.check(raw));
                } catch (IllegalArgumentException e) {
                    throw invalid(subject, s, raw, e.getMessage());
                }
            }
        }
        return new SettingsReader(subject, Map.copyOf(byKey), Map.copyOf(values));
    }

    /**
     * Tells whether a setting was given (not blank).
     *
     * @param key the key of a declared setting
     * @return {@code true} if it has a value
     */
    public boolean isSet(String key) {
        return values.containsKey(known(key).key());
    }

    /**
     * Returns a setting's value in canonical form, or its default.
     *
     * @param key the key of a declared setting
     * @return the value; empty when absent without a default
     */
    public Optional<String> text(String key) {
        Setting setting = known(key);
        String v = values.get(key);
        return v != null ? Optional.of(v) : setting.defaultValue();
    }

    /**
     * Returns a boolean setting, or its default ({@code false} without one).
     *
     * @param key the key of a declared {@link Setting.Type#BOOLEAN} setting
     * @return the value
     */
    public boolean bool(String key) {
        return text(key).map(Boolean::parseBoolean).orElse(false);
    }

    /**
     * Returns a whole-number or size setting, or its default.
     *
     * @param key the key of a declared {@link Setting.Type#INTEGER} or {@link Setting.Type#SIZE} setting
     * @param fallback the value when the setting is absent and has no default
     * @return the value, in its declared range
     */
    public long number(String key, long fallback) {
        return text(key).map(Long::parseLong).orElse(fallback);
    }

    /**
     * Returns a whole-number or size setting that has a default and fits an {@code int}.
     *
     * @param key the key of a declared {@link Setting.Type#INTEGER} or {@link Setting.Type#SIZE} setting with a default
     * @return the value
     */
    public int integer(String key) {
        return Math.toIntExact(Long.parseLong(text(key).orElseThrow(
                () -> new IllegalStateException(key + " has no default"))));
    }

    /**
     * Returns a URL setting.
     *
     * @param key the key of a declared {@link Setting.Type#URL} setting
     * @return the URL, if set (or defaulted)
     */
    public Optional<URI> url(String key) {
        return text(key).map(URI::create);
    }

    /**
     * Returns a path setting.
     *
     * @param key the key of a declared {@link Setting.Type#PATH} setting
     * @return the path, if set (or defaulted)
     */
    public Optional<Path> path(String key) {
        return text(key).map(Path::of);
    }

    /**
     * Builds the error for a value that is well-formed but not usable, in this reader's form.
     *
     * @param key the setting's key
     * @param expected what would be accepted
     * @return the exception to throw
     */
    public ConfigurationException invalid(String key, String expected) {
        return invalid(subject, known(key), values.getOrDefault(key, ""), expected);
    }

    /**
     * Builds an error about the settings as a whole (two that conflict, one that needs another).
     *
     * @param problem what is wrong and what to do
     * @return the exception to throw
     */
    public ConfigurationException error(String problem) {
        return new ConfigurationException(subject + ": " + problem);
    }

    private Setting known(String key) {
        Setting setting = declared.get(key);
        if (setting == null) {
            throw new IllegalArgumentException(key + " is not a declared setting (" + subject + ")");
        }
        return setting;
    }

    private static ConfigurationException invalid(String subject, Setting s, String raw, String expected) {
        String shown = s.secret() ? "<hidden>" : Redaction.text(raw.trim());
        return new ConfigurationException(subject + ": setting " + s.key() + " is '" + shown + "', expected " + expected);
    }
}
