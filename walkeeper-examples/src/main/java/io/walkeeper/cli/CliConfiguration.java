package io.walkeeper.cli;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.DeltaOrigin;
import io.walkeeper.cli.CliKeys.CliKey;
import io.walkeeper.cli.ConfigLayers.Layer;
import io.walkeeper.cli.ConfigLayers.Value;
import io.walkeeper.core.PgConnection;
import io.walkeeper.spi.EncryptionProvider;
import io.walkeeper.spi.Setting;
import io.walkeeper.spi.StorageProvider;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * The settings of the command-line tool, gathered from a JSON file and environment variables
 * ({@link ConfigLayers}) and mapped onto what {@code WalKeeper.builder()} takes: the tool's own
 * keys from the table in {@link CliKeys}, the settings of storage and encryption from what the
 * providers on the class path declare ({@link ProviderKeys}).
 *
 * <p><b>Validation</b> happens when a setting is used, so a malformed {@code PGPORT} does not
 * stop {@code wal-fetch}; the error names the key and the file or variable it came from. Unknown
 * keys are refused when loading ({@link UnknownKeys}).
 *
 * <p>Immutable and thread-safe.
 */
public final class CliConfiguration {
    /** Unix socket directories tried, in order, when {@code PGHOST} is not set (libpq's defaults). */
    public static final List<String> DEFAULT_SOCKET_DIRECTORIES = List.of("/var/run/postgresql", "/tmp");
    private static final ProviderKeys PROVIDERS = ProviderKeys.discover();
    private static final Set<String> KEYS = knownKeysOf(PROVIDERS);
    private static final Set<String> SECRETS = secretsOf(PROVIDERS);

    private final ConfigLayers layers;

    /**
     * An encryption provider and its settings.
     *
     * @param provider the provider's name, e.g. {@code openpgp}
     * @param settings its settings
     */
    public record Encryption(String provider, Map<String, String> settings) {
    }

    private CliConfiguration(ConfigLayers layers) {
        this.layers = layers;
    }

    private static Set<String> knownKeysOf(ProviderKeys providers) {
        Set<String> out = new LinkedHashSet<>();
        CliKeys.ALL.forEach(k -> out.addAll(k.names()));
        out.addAll(providers.environmentNames());
        return Set.copyOf(out);
    }

    private static Set<String> secretsOf(ProviderKeys providers) {
        Set<String> out = new LinkedHashSet<>(providers.secretNames());
        CliKeys.ALL.stream().filter(k -> k.setting().secret()).forEach(k -> out.addAll(k.names()));
        return Set.copyOf(out);
    }

    /**
     * Finds and reads the configuration.
     *
     * @param explicitFile the file given with {@code --config}, or {@code null}
     * @param host the environment variables and home directory to use
     * @return the configuration
     * @throws ConfigurationException if a named file is missing or not a flat JSON object, or a
     *     key is unknown
     */
    public static CliConfiguration load(Path explicitFile, HostEnvironment host) {
        return new CliConfiguration(ConfigLayers.load(explicitFile, host, KEYS, PROVIDERS.namespaces(),
                PROVIDERS.settingKeys(), CliConfiguration::isSecret));
    }

    /**
     * Returns the configuration file in use.
     *
     * @return its absolute path, or empty when settings come from the environment only
     */
    public Optional<Path> file() {
        return Optional.ofNullable(layers.file());
    }

    /**
     * Returns keys that were ignored, worth an info log line: WAL-G settings walkeeper does not
     * implement (and that do not change what is stored), other keys in the file.
     *
     * @return one line per key
     */
    public List<String> warnings() {
        return layers.warnings();
    }

    /**
     * Returns remarks worth a debug log line: the file in use, keys that were ignored.
     *
     * @return the remarks
     */
    public List<String> notes() {
        return layers.notes();
    }

    /**
     * Returns the repository location from {@code WALKEEPER_STORAGE} or WAL-G's {@code WALG_*_PREFIX}.
     *
     * @return the URI
     * @throws ConfigurationException if none is set or the value is malformed
     */
    public URI storage() {
        Value v = first(CliKeys.STORAGE).orElseThrow(() -> new ConfigurationException("No storage configured: set "
                + CliKeys.STORAGE.name() + " (e.g. file:///var/backups/pg or s3://bucket/prefix) in the environment or in "
                + (layers.file() != null ? layers.file() : "a configuration file given with --config")));
        return switch (v.key()) {
            case "WALG_FILE_PREFIX" -> {
                Path dir = ConfigLayers.path(v.text(), v.origin());
                if (!dir.isAbsolute()) {
                    throw new ConfigurationException("Cannot use " + v.origin() + " '" + v.shown() + "': the directory must be "
                            + "an absolute path (PostgreSQL runs archive_command in its data directory)");
                }
                try {
                    yield new URI("file", "", dir.normalize().toString(), null, null);
                } catch (URISyntaxException e) {
                    throw new ConfigurationException("Cannot use " + v.origin() + " '" + v.shown() + "': " + e.getMessage(), e);
                }
            }
            case "WALG_S3_PREFIX" -> uri(v, "s3");
            case "WALG_AZ_PREFIX" -> uri(v, "azure");
            case "WALG_GS_PREFIX" -> uri(v, "gs");
            default -> uri(v, null);
        };
    }

    /**
     * Returns the settings for the storage provider of {@code location}: the environment
     * variables and file keys its provider declares (for S3 {@code AWS_REGION} as
     * {@code s3.region}, …), file keys written in its namespace (e.g. {@code "s3.sse"}), and the
     * shared {@code storage.} options. Values mapped from variables are checked here, so an error
     * names the variable.
     *
     * @param location the repository location
     * @return setting name to value
     * @throws ConfigurationException if a mapped value is malformed
     */
    public Map<String, String> storageSettings(URI location) {
        Optional<StorageProvider> provider = PROVIDERS.storageFor(location);
        List<Setting> declared = new ArrayList<>(PROVIDERS.sharedStorage());
        provider.ifPresent(p -> declared.addAll(p.settings()));
        List<String> namespaces = new ArrayList<>(List.of(io.walkeeper.core.storage.StorageOptions.PREFIX));
        provider.ifPresent(p -> namespaces.add(p.settingsPrefix()));
        return mapped(declared, namespaces);
    }

    /**
     * Merges declared settings from their variables and namespaced file keys, the source of
     * higher precedence winning, and within one source a namespaced key over a variable.
     */
    private Map<String, String> mapped(List<Setting> declared, List<String> namespaces) {
        Map<String, String> out = new TreeMap<>();
        for (Layer layer : layers.lowestFirst()) {
            for (Setting s : declared) {
                List<String> names = new ArrayList<>(s.environment());
                java.util.Collections.reverse(names); // the first name wins within a source
                for (String name : names) {
                    String v = layer.values().get(name);
                    if (v != null && !v.isBlank()) {
                        out.put(s.key(), new Value(name, v, layer, s.secret()).checked(s));
                    }
                }
            }
            layer.values().forEach((k, v) -> {
                if (namespaces.stream().anyMatch(k::startsWith) && ConfigLayers.PROVIDER_KEY.matcher(k).matches()) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    /**
     * Returns the codec for new objects.
     *
     * @return e.g. {@code lz4} (the default), {@code zstd}, {@code xz}
     */
    public String compression() {
        Optional<Value> v = first(CliKeys.COMPRESSION);
        if (v.isEmpty()) {
            return CliKeys.COMPRESSION.setting().defaultValue().orElseThrow();
        }
        String codec = v.get().trimmed().toLowerCase(Locale.ROOT);
        if (!codec.matches("[a-z0-9][a-z0-9_-]*")) {
            throw v.get().invalid("a codec name such as lz4, zstd, brotli, xz or none");
        }
        return codec.equals("lzma") ? "xz" : codec;
    }

    /**
     * Returns the settings of the codec for new objects: the keys of its namespace in the file
     * (e.g. {@code zstd.level}) and the environment variables it declares. Another codec's keys
     * are not passed on.
     *
     * @return key to value
     */
    public Map<String, String> compressionSettings() {
        String codec = compression();
        return mapped(PROVIDERS.codecSettings(codec), List.of(codec + "."));
    }

    /**
     * Returns the encryption to use, if any of an encryption provider's settings is configured
     * (for OpenPGP {@code WALKEEPER_PGP_PUBLIC_KEY_PATH}, WAL-G's {@code WALG_PGP_KEY_PATH}, …, or
     * {@code openpgp.*} keys in the file): objects are then encrypted by that provider.
     *
     * @return the provider and its settings, empty when encryption is off
     * @throws ConfigurationException if settings of two encryption providers are given
     */
    public Optional<Encryption> encryption() {
        List<Encryption> found = new ArrayList<>();
        for (EncryptionProvider p : PROVIDERS.encryption()) {
            Map<String, String> settings = mapped(p.settings(), List.of(p.name() + "."));
            if (!settings.isEmpty()) {
                found.add(new Encryption(p.name(), settings));
            }
        }
        if (found.size() > 1) {
            throw new ConfigurationException("Settings of more than one encryption provider are configured ("
                    + found.stream().map(Encryption::provider).toList() + "); configure one");
        }
        return found.stream().findFirst();
    }

    /**
     * Returns the labels every backup-push adds, from {@code WALKEEPER_BACKUP_LABELS} or WAL-G's
     * {@code WALG_SENTINEL_USER_DATA}.
     *
     * @return the labels, empty when unset
     * @throws ConfigurationException naming the key when the value cannot be read
     */
    public Map<String, String> backupLabels() {
        return first(CliKeys.BACKUP_LABELS).map(v -> {
            try {
                return Labels.parse(List.of(v.text()), true);
            } catch (io.walkeeper.api.InvalidRequestException e) {
                throw v.invalid("key=value pairs or a JSON object (" + e.getMessage() + ")");
            }
        }).orElse(Map.of());
    }

    /**
     * Returns the longest delta chain, from {@code WALKEEPER_DELTA_MAX_STEPS} or WAL-G's
     * {@code WALG_DELTA_MAX_STEPS}.
     *
     * @return the number of steps (0 to 1000; 0 takes only full backups), if set
     */
    public OptionalInt deltaMaxSteps() {
        return integer(CliKeys.DELTA_MAX_STEPS);
    }

    /**
     * Returns which backup a delta is taken against, from {@code WALKEEPER_DELTA_ORIGIN} or WAL-G's
     * {@code WALG_DELTA_ORIGIN}. The value is case-insensitive.
     *
     * @return {@link DeltaOrigin#LATEST} or {@link DeltaOrigin#LATEST_FULL}, if set
     * @throws ConfigurationException if the value is neither
     */
    public Optional<DeltaOrigin> deltaOrigin() {
        return checked(CliKeys.DELTA_ORIGIN).map(DeltaOrigin::valueOf);
    }

    /**
     * Returns how many parts move at once.
     *
     * @return the concurrency, if set
     */
    public OptionalInt concurrency() {
        return integer(CliKeys.CONCURRENCY);
    }

    /**
     * Returns how many ready WAL segments wal-push archives ahead.
     *
     * @return 0 to 64; 8 if unset
     */
    public int walPushAhead() {
        return integer(CliKeys.WAL_PUSH_AHEAD).orElseThrow();
    }

    /**
     * Returns how many WAL segments {@code wal-fetch} keeps prefetched ahead of recovery.
     *
     * @return 0 to 64; 8 if unset
     */
    public int prefetch() {
        return integer(CliKeys.PREFETCH).orElseThrow();
    }

    /**
     * Returns the part size threshold.
     *
     * @return bytes, if set
     */
    public OptionalLong partSize() {
        return checked(CliKeys.PART_SIZE).map(v -> OptionalLong.of(Long.parseLong(v))).orElse(OptionalLong.empty());
    }

    /**
     * Returns the most ready WAL {@code wal-push} lets wait in {@code pg_wal} before it drops segments.
     *
     * @return bytes, if set (off otherwise)
     */
    public OptionalLong archiveQueueMax() {
        return checked(CliKeys.ARCHIVE_QUEUE_MAX).map(v -> OptionalLong.of(Long.parseLong(v))).orElse(OptionalLong.empty());
    }

    /**
     * Returns how long a backup waits for its WAL to be archived.
     *
     * @return the timeout, if set
     */
    public Optional<Duration> walArchiveTimeout() {
        return checked(CliKeys.WAL_ARCHIVE_TIMEOUT).map(v -> Duration.ofSeconds(Long.parseLong(v)));
    }

    /**
     * Returns how long a running backup's lease lives without renewal.
     *
     * @return the timeout, if set
     */
    public Optional<Duration> backupLeaseTimeout() {
        return checked(CliKeys.BACKUP_LEASE_TIMEOUT).map(v -> Duration.ofSeconds(Long.parseLong(v)));
    }

    /**
     * Returns the log level.
     *
     * @return {@code trace}, {@code debug}, {@code info}, {@code warn}, {@code error} or {@code off}
     */
    public String logLevel() {
        Setting s = CliKeys.LOG_LEVEL.setting();
        return first(CliKeys.LOG_LEVEL).map(v -> v.trimmed().equalsIgnoreCase("warning") ? "warn" : v.checked(s))
                .orElseGet(() -> s.defaultValue().orElseThrow());
    }

    /**
     * Returns whether a log level was configured.
     *
     * @return {@code true} if {@code WALKEEPER_LOG_LEVEL} is set
     */
    public boolean hasLogLevel() {
        return first(CliKeys.LOG_LEVEL).isPresent();
    }

    /**
     * Returns the data directory from {@code PGDATA}.
     *
     * @return the directory, if set
     */
    public Optional<Path> pgData() {
        return first(CliKeys.PGDATA).map(v -> ConfigLayers.path(v.text(), v.origin()));
    }

    /**
     * Returns how to connect to PostgreSQL, libpq style: {@code PGHOST} is a host name or a
     * Unix socket directory; when it is unset, the server's socket in one of
     * {@link #DEFAULT_SOCKET_DIRECTORIES} is used if it exists, else localhost over TCP.
     *
     * @param osUserName the default role
     * @return the connection settings
     */
    public PgConnection pgConnection(String osUserName) {
        int port = integer(CliKeys.PGPORT).orElseThrow();
        String host = first(CliKeys.PGHOST).map(Value::trimmed).orElseGet(() -> defaultHost(port));
        String user = first(CliKeys.PGUSER).map(Value::trimmed).orElse(osUserName);
        String password = first(CliKeys.PGPASSWORD).map(Value::text).orElse(null);
        String database = first(CliKeys.PGDATABASE).map(Value::trimmed)
                .orElseGet(() -> CliKeys.PGDATABASE.setting().defaultValue().orElseThrow());
        return new PgConnection(host, port, user, password, database);
    }

    /** libpq's default when PGHOST is unset: the server's Unix socket if one is there, else localhost over TCP. */
    private static String defaultHost(int port) {
        for (String dir : DEFAULT_SOCKET_DIRECTORIES) {
            if (Files.exists(Path.of(dir, ".s.PGSQL." + port))) {
                return dir;
            }
        }
        return "localhost";
    }

    /**
     * Explains where {@link #pgConnection(String)} connects when {@code PGHOST} is not set.
     *
     * @return the explanation, or empty when PGHOST is set
     */
    public Optional<String> pgHostNote() {
        if (first(CliKeys.PGHOST).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("PGHOST is not set; using the Unix socket in " + String.join(" or ", DEFAULT_SOCKET_DIRECTORIES)
                + " if the server has one there, else localhost over TCP");
    }

    /**
     * Returns the settings a {@code wal-fetch} started by PostgreSQL needs and would not find in
     * the configuration file: those that came from environment variables (all of them when no
     * file is in use), by their canonical names: the storage, the codec, and every non-secret
     * variable the storage and encryption providers declare (single-line values: a key given as
     * text stays out). Secrets are never included; see
     * {@link #secretsFromEnvironment()}.
     *
     * @return variable name to value, for assignments in front of the command
     */
    public Map<String, String> walFetchEnvironment() {
        Map<String, String> out = new LinkedHashMap<>();
        boolean environmentOnly = layers.file() == null;
        Optional<Value> storage = first(CliKeys.STORAGE);
        if (storage.isPresent() && storage.get().layer().environment()) {
            out.put(CliKeys.STORAGE.name(), storage().toString());
        }
        Optional<Value> codec = first(CliKeys.COMPRESSION);
        if (codec.map(v -> v.layer().environment()).orElse(environmentOnly && !out.isEmpty())) {
            out.put(CliKeys.COMPRESSION.name(), compression());
        }
        for (Setting s : carriedSettings(storage.isPresent() ? storage() : null)) {
            for (String name : s.environment()) {
                layers.first(List.of(name)).filter(v -> v.layer().environment() && v.trimmed().lines().count() == 1)
                        .ifPresent(v -> out.put(name, v.trimmed()));
            }
        }
        return out;
    }

    /** The declared settings a restore_command carries from the environment: never a secret. */
    private List<Setting> carriedSettings(URI location) {
        List<Setting> out = new ArrayList<>();
        PROVIDERS.encryption().forEach(p -> out.addAll(p.settings()));
        if (location != null) {
            PROVIDERS.storageFor(location).ifPresent(p -> out.addAll(p.settings()));
        }
        out.addAll(PROVIDERS.sharedStorage());
        out.removeIf(Setting::secret);
        return out;
    }

    /**
     * Lists the secrets set as environment variables, which a generated {@code restore_command}
     * does not carry: PostgreSQL must find them in its own environment, or use a configuration file.
     *
     * @return variable names
     */
    public List<String> secretsFromEnvironment() {
        List<String> out = new ArrayList<>();
        for (String key : SECRETS) {
            if (!key.contains(".") && !CliKeys.PGPASSWORD.names().contains(key)) {
                layers.first(List.of(key)).filter(v -> v.layer().environment()).ifPresent(v -> out.add(key));
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Tells whether a key names a secret, which is never logged or written into a command.
     *
     * @param key a configuration key
     * @return {@code true} for passwords, credentials and keys
     */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return SECRETS.contains(key) || k.contains("secret") || k.contains("password") || k.contains("token")
                || k.endsWith("key-id") || k.endsWith("access-key");
    }

    /**
     * Lists the keys this tool reads from the environment or a file: its own (with their WAL-G
     * aliases) and the environment variables the providers declare.
     *
     * @return the key names
     */
    public static Set<String> knownKeys() {
        return KEYS;
    }

    /** @return the providers whose settings this configuration maps */
    static ProviderKeys providers() {
        return PROVIDERS;
    }

    private Optional<Value> first(CliKey key) {
        return layers.first(key.names());
    }

    private Optional<String> checked(CliKey key) {
        return first(key).map(v -> v.checked(key.setting()));
    }

    private OptionalInt integer(CliKey key) {
        Optional<String> v = checked(key).or(() -> key.setting().defaultValue());
        return v.map(x -> OptionalInt.of(Integer.parseInt(x))).orElse(OptionalInt.empty());
    }

    private static URI uri(Value v, String requiredScheme) {
        URI uri;
        try {
            uri = new URI(v.trimmed());
        } catch (URISyntaxException e) {
            throw new ConfigurationException("Cannot use " + v.origin() + " '" + v.shown() + "': it is not a URI ("
                    + e.getReason() + " at index " + e.getIndex() + "; HINT: e.g. file:///var/backups/pg or s3://bucket/prefix)", e);
        }
        if (uri.getScheme() == null) {
            throw new ConfigurationException("Cannot use " + v.origin() + " '" + v.shown() + "': the URI has no scheme (HINT: "
                    + (requiredScheme != null ? requiredScheme + "://…" : "file://" + (v.trimmed().startsWith("/") ? "" : "/")
                    + v.trimmed() + " for a directory") + ")");
        }
        if (requiredScheme != null && !uri.getScheme().equalsIgnoreCase(requiredScheme)) {
            throw new ConfigurationException("Cannot use " + v.origin() + " '" + v.shown() + "': expected a " + requiredScheme
                    + ":// URI");
        }
        if (uri.getScheme().equalsIgnoreCase("file")) {
            String host = uri.getAuthority();
            if (uri.getPath() == null || !uri.getPath().startsWith("/") || (host != null && !host.equals("localhost"))) {
                throw new ConfigurationException("Cannot use " + v.origin() + " '" + v.shown() + "': a file URI needs an absolute "
                        + "path after three slashes, e.g. file:///var/backups/pg");
            }
        }
        return uri;
    }
}
