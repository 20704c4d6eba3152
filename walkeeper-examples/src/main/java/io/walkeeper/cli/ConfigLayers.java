package io.walkeeper.cli;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.Redaction;
import io.walkeeper.spi.Setting;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Where the command-line settings come from, in order: environment variables, then the
 * configuration file (the one given with {@code --config}, else the one named by
 * {@code WALKEEPER_CONFIG}, else {@code ~/.walkeeper.json}, else WAL-G's {@code ~/.walg.json}).
 * Within one source the first of a key's names wins ({@code WALKEEPER_*} before its
 * {@code WALG_*} alias). Unknown keys are refused or reported here ({@link UnknownKeys}), so no
 * typo reaches a command.
 *
 * <p>Immutable.
 */
final class ConfigLayers {
    /** The file looked for in the home directory. */
    static final String HOME_FILE = ".walkeeper.json";
    /** WAL-G's file in the home directory, read when {@link #HOME_FILE} is absent. */
    static final String WALG_HOME_FILE = ".walg.json";
    /** A provider setting written directly in the file, e.g. {@code "s3.sse": "aws:kms"}. */
    static final Pattern PROVIDER_KEY = Pattern.compile("[a-z][a-z0-9]*\\.[a-z0-9][a-z0-9.-]*");

    private final List<Layer> layers;
    private final Path file;
    private final List<String> notes;
    private final List<String> warnings;
    private final Predicate<String> secret;

    /** One source of settings. */
    record Layer(String name, Map<String, String> values, boolean environment) {
    }

    /**
     * A value and where it came from.
     *
     * @param key the name it was found under
     * @param text the raw text
     * @param layer its source
     * @param secret whether it must never be shown
     */
    record Value(String key, String text, Layer layer, boolean secret) {
        /** @return e.g. {@code environment variable PGPORT} or {@code PGPORT in /etc/walkeeper.json} */
        String origin() {
            return layer.environment() ? "environment variable " + key : key + " in " + layer.name();
        }

        /** @return the text without surrounding blanks */
        String trimmed() {
            return text.trim();
        }

        /** @return the value as messages show it: a secret's never, a URI's without user information or query values */
        String shown() {
            return secret ? "<hidden>" : Redaction.text(text);
        }

        /**
         * Checks the value against a declared setting, accepting {@code on}/{@code off},
         * {@code yes}/{@code no} and {@code 1}/{@code 0} for booleans as WAL-G does.
         *
         * @param setting the setting
         * @return the canonical text
         * @throws ConfigurationException naming the origin and what is expected
         */
        String checked(Setting setting) {
            String v = trimmed();
            if (setting.type() == Setting.Type.BOOLEAN) {
                v = switch (v.toLowerCase(Locale.ROOT)) {
                    case "on", "yes", "1" -> "true";
                    case "off", "no", "0" -> "false";
                    default -> v;
                };
            }
            try {
                return setting.check(v);
            } catch (IllegalArgumentException e) {
                throw invalid(setting.expected());
            }
        }

        /**
         * Builds the error for this value.
         *
         * @param expected what would be accepted
         * @return the exception
         */
        ConfigurationException invalid(String expected) {
            return new ConfigurationException("Cannot use " + origin() + " '" + shown() + "': expected " + expected);
        }
    }

    private ConfigLayers(List<Layer> layers, Path file, List<String> notes, List<String> warnings, Predicate<String> secret) {
        this.layers = List.copyOf(layers);
        this.file = file;
        this.notes = List.copyOf(notes);
        this.warnings = List.copyOf(warnings);
        this.secret = secret;
    }

    /**
     * Finds and reads the sources.
     *
     * @param explicitFile the file given with {@code --config}, or {@code null}
     * @param host the environment variables and home directory
     * @param known every key read, for the unknown-key check
     * @param namespaces the prefixes of the settings providers declare: a key with a dot in a file must start with one
     * @param namespacedKeys every setting providers declare, for the nearest-key hint
     * @param secret which keys are secrets
     * @return the layers
     * @throws ConfigurationException if a named file is missing or malformed, or a key is unknown
     */
    static ConfigLayers load(Path explicitFile, HostEnvironment host, Set<String> known, Set<String> namespaces,
            Set<String> namespacedKeys, Predicate<String> secret) {
        String configKey = CliKeys.CONFIG.name();
        Map<String, String> env = host.variables();
        List<String> notes = new ArrayList<>();
        Path file = null;
        String origin = null;
        if (explicitFile != null) {
            file = explicitFile;
            origin = "given with --config";
        } else if (!env.getOrDefault(configKey, "").isBlank()) {
            file = path(env.get(configKey), "environment variable " + configKey);
            origin = "named by " + configKey;
        } else if (host.home() != null && Files.isRegularFile(host.home().resolve(HOME_FILE))) {
            file = host.home().resolve(HOME_FILE);
            origin = "found in the home directory";
        } else if (host.home() != null && Files.isRegularFile(host.home().resolve(WALG_HOME_FILE))) {
            file = host.home().resolve(WALG_HOME_FILE);
            origin = "WAL-G's configuration, found in the home directory";
        }
        List<Layer> layers = new ArrayList<>();
        Map<String, String> fromEnv = new LinkedHashMap<>();
        UnknownKeys unknown = new UnknownKeys();
        new TreeMap<>(env).forEach((k, v) -> {
            if (known.contains(k) && !k.equals(configKey)) {
                fromEnv.put(k, v);
            } else if (!k.equals(configKey)) {
                unknown.check(k, "environment variable", known, true);
            }
        });
        layers.add(new Layer("the environment", fromEnv, true));
        if (file != null) {
            file = file.toAbsolutePath().normalize();
            Path f = file;
            Map<String, String> values = ConfigFile.read(file, origin, k -> known.contains(k)
                    || PROVIDER_KEY.matcher(k).matches() && namespaces.stream().anyMatch(k::startsWith),
                    k -> {
                        if (PROVIDER_KEY.matcher(k).matches()) {
                            unknown.unknownNamespace(k, "in " + f, namespaces, namespacedKeys);
                        } else {
                            unknown.check(k, "in " + f, known, false);
                        }
                    });
            if (values.containsKey(configKey)) {
                notes.add("Ignoring " + configKey + " in " + f + ": a configuration file cannot name another one");
                values.remove(configKey);
            }
            layers.add(new Layer(file.toString(), values, false));
            notes.add(0, "Using configuration file " + file + " (" + origin + ")");
        }
        unknown.throwIfAny();
        return new ConfigLayers(layers, file, notes, unknown.warnings(), secret);
    }

    /** @return the configuration file in use, absolute, or {@code null} */
    Path file() {
        return file;
    }

    /** @return remarks worth a debug log line */
    List<String> notes() {
        return notes;
    }

    /** @return ignored keys worth an info log line */
    List<String> warnings() {
        return warnings;
    }

    /**
     * Returns the first value set (not blank) under any of {@code names}: sources in order of
     * precedence, and within one source the names in order.
     *
     * @param names a key and its aliases
     * @return the value, if any
     */
    Optional<Value> first(List<String> names) {
        for (Layer layer : layers) {
            for (String key : names) {
                String v = layer.values().get(key);
                if (v != null && !v.isBlank()) {
                    return Optional.of(new Value(key, v, layer, secret.test(key)));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the sources from the lowest precedence to the highest, for merging.
     *
     * @return the layers, file first
     */
    List<Layer> lowestFirst() {
        List<Layer> out = new ArrayList<>(layers);
        java.util.Collections.reverse(out);
        return out;
    }

    /**
     * Parses a path, naming its origin when it is not one.
     *
     * @param text the text
     * @param origin where it came from
     * @return the path
     */
    static Path path(String text, String origin) {
        try {
            return Path.of(text.trim());
        } catch (InvalidPathException e) {
            throw new ConfigurationException("Cannot use " + origin + " '" + text + "': not a valid path (" + e.getReason() + ")", e);
        }
    }
}
