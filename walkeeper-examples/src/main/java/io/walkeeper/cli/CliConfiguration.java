package io.walkeeper.cli;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.DeltaOrigin;
import io.walkeeper.core.PgConnection;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of the command-line tool, gathered from a JSON file and environment variables and
 * mapped onto what {@code WalKeeper.builder()} takes.
 *
 * <p><b>Where settings come from.</b> The file is the one given with {@code --config}, else the
 * one named by {@value #CONFIG}, else {@code $HOME/.walkeeper.json} if it exists. Environment
 * variables override the file. Within one source, {@code WALKEEPER_*} keys win over their
 * {@code WALG_*} equivalents, so a WAL-G configuration ({@code .walg.json}, or WAL-G's
 * environment variables) works as is. Keys are the same in the file and the environment.
 *
 * <p><b>Validation</b> happens when a setting is used, so a malformed {@code PGPORT} does not
 * stop {@code wal-fetch}; the error names the key and the file or variable it came from.
 * Unknown file keys are reported as {@link #notes()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class CliConfiguration {
    /** Names the configuration file when {@code --config} is not given. */
    public static final String CONFIG = "WALKEEPER_CONFIG";
    /** The file looked for in the home directory. */
    public static final String HOME_FILE = ".walkeeper.json";
    /** WAL-G's file in the home directory, read when {@link #HOME_FILE} is absent. */
    public static final String WALG_HOME_FILE = ".walg.json";
    /** Repository location, a URI such as {@code file:///var/backups/pg} or {@code s3://bucket/prefix}. */
    public static final String STORAGE = "WALKEEPER_STORAGE";
    /** Codec for new objects: {@code lz4} (default), {@code zstd}, {@code brotli}, {@code xz}, {@code none}. */
    public static final String COMPRESSION = "WALKEEPER_COMPRESSION";
    /** Default of {@link #COMPRESSION}. */
    public static final String COMPRESSION_DEFAULT = "lz4";
    /**
     * Longest chain of delta backups before a full one: a backup is a delta while its parent is
     * fewer than this many steps from a full backup; 0 (the default) takes only full backups.
     */
    public static final String DELTA_MAX_STEPS = "WALKEEPER_DELTA_MAX_STEPS";
    /**
     * Which backup a delta is taken against: {@code LATEST} (the default, the newest backup, full
     * or delta) or {@code LATEST_FULL} (the newest full backup).
     */
    public static final String DELTA_ORIGIN = "WALKEEPER_DELTA_ORIGIN";
    /** Parts uploaded or downloaded at once. */
    public static final String CONCURRENCY = "WALKEEPER_CONCURRENCY";
    /** Size after which a backup starts a new part: bytes, or a number with KB, MB or GB (powers of 1024). */
    public static final String PART_SIZE = "WALKEEPER_PART_SIZE";
    /**
     * How many ready WAL segments wal-push archives ahead of PostgreSQL asking for them, in
     * parallel; 0 turns the look-ahead off. Default {@value #WAL_PUSH_AHEAD_DEFAULT}.
     */
    public static final String WAL_PUSH_AHEAD = "WALKEEPER_WAL_PUSH_AHEAD";
    /** Default of {@link #WAL_PUSH_AHEAD}. */
    public static final int WAL_PUSH_AHEAD_DEFAULT = 8;
    /** OpenPGP public key (armored text) that new objects are encrypted to. */
    public static final String PGP_PUBLIC_KEY = "WALKEEPER_PGP_PUBLIC_KEY";
    /** File holding the OpenPGP public key. */
    public static final String PGP_PUBLIC_KEY_PATH = "WALKEEPER_PGP_PUBLIC_KEY_PATH";
    /** OpenPGP private key (armored text) that decrypts; encrypts too when no public key is given. */
    public static final String PGP_KEY = "WALKEEPER_PGP_KEY";
    /** File holding the OpenPGP private key. */
    public static final String PGP_KEY_PATH = "WALKEEPER_PGP_KEY_PATH";
    /** Passphrase of the OpenPGP private key. */
    public static final String PGP_PASSPHRASE = "WALKEEPER_PGP_PASSPHRASE";
    /** WAL-G: the private key, as {@link #PGP_KEY}. */
    public static final String WALG_PGP_KEY = "WALG_PGP_KEY";
    /** WAL-G: the private key file, as {@link #PGP_KEY_PATH}. */
    public static final String WALG_PGP_KEY_PATH = "WALG_PGP_KEY_PATH";
    /** WAL-G: the passphrase, as {@link #PGP_PASSPHRASE}. */
    public static final String WALG_PGP_KEY_PASSPHRASE = "WALG_PGP_KEY_PASSPHRASE";
    /** Seconds a backup waits for its last WAL segment to reach the archive. */
    public static final String WAL_ARCHIVE_TIMEOUT = "WALKEEPER_WAL_ARCHIVE_TIMEOUT";
    /** Seconds a running backup's lease lives without renewal; retention ignores an older one. */
    public static final String BACKUP_LEASE_TIMEOUT = "WALKEEPER_BACKUP_LEASE_TIMEOUT";
    /** {@code trace}, {@code debug}, {@code info} (default), {@code warn}, {@code error} or {@code off}. */
    public static final String LOG_LEVEL = "WALKEEPER_LOG_LEVEL";
    /** Default of {@link #LOG_LEVEL}. */
    public static final String LOG_LEVEL_DEFAULT = "info";
    /** The data directory (libpq's name). */
    public static final String PGDATA = "PGDATA";
    /** Unix socket directories tried, in order, when {@value #PGHOST} is not set (libpq's defaults). */
    public static final List<String> DEFAULT_SOCKET_DIRECTORIES = List.of("/var/run/postgresql", "/tmp");
    /** Server host, or a Unix socket directory (starting with {@code /}) as in libpq. */
    public static final String PGHOST = "PGHOST";
    /** Server port, default 5432. */
    public static final String PGPORT = "PGPORT";
    /** Role, default the OS user name. */
    public static final String PGUSER = "PGUSER";
    /** Password; never logged, never written into {@code restore_command}. */
    public static final String PGPASSWORD = "PGPASSWORD";
    /** Database to connect to, default {@code postgres}. */
    public static final String PGDATABASE = "PGDATABASE";
    /** WAL-G: local or mounted directory, mapped to a {@code file://} URI. */
    public static final String WALG_FILE_PREFIX = "WALG_FILE_PREFIX";
    /** WAL-G: {@code s3://bucket/prefix}. */
    public static final String WALG_S3_PREFIX = "WALG_S3_PREFIX";
    /** WAL-G: {@code azure://container/prefix}. */
    public static final String WALG_AZ_PREFIX = "WALG_AZ_PREFIX";
    /** WAL-G: {@code gs://bucket/prefix}. */
    public static final String WALG_GS_PREFIX = "WALG_GS_PREFIX";
    /** WAL-G: compression method; {@code lzma} means {@code xz}. */
    public static final String WALG_COMPRESSION_METHOD = "WALG_COMPRESSION_METHOD";
    /** WAL-G: delta chain length, as {@link #DELTA_MAX_STEPS}. */
    public static final String WALG_DELTA_MAX_STEPS = "WALG_DELTA_MAX_STEPS";
    /** WAL-G: the delta origin, as {@link #DELTA_ORIGIN}. */
    public static final String WALG_DELTA_ORIGIN = "WALG_DELTA_ORIGIN";
    /** WAL-G: upload concurrency, used as {@link #CONCURRENCY}. */
    public static final String WALG_UPLOAD_CONCURRENCY = "WALG_UPLOAD_CONCURRENCY";
    /** S3 endpoint (MinIO, Ceph, …), storage setting {@code s3.endpoint}. */
    public static final String AWS_ENDPOINT = "AWS_ENDPOINT";
    /** S3 region, storage setting {@code s3.region}. */
    public static final String AWS_REGION = "AWS_REGION";
    /** {@code true} for path-style S3 addressing, storage setting {@code s3.path-style}. */
    public static final String AWS_S3_FORCE_PATH_STYLE = "AWS_S3_FORCE_PATH_STYLE";
    /** S3 access key id, storage setting {@code s3.access-key-id}. */
    public static final String AWS_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    /** S3 secret key, storage setting {@code s3.secret-access-key}. */
    public static final String AWS_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";

    /** Azure storage account, storage setting {@code azure.account-name}. */
    public static final String AZURE_STORAGE_ACCOUNT = "AZURE_STORAGE_ACCOUNT";
    /** Azure account key, storage setting {@code azure.account-key}. */
    public static final String AZURE_STORAGE_ACCESS_KEY = "AZURE_STORAGE_ACCESS_KEY";
    /** Azure SAS token, storage setting {@code azure.sas-token}. */
    public static final String AZURE_STORAGE_SAS_TOKEN = "AZURE_STORAGE_SAS_TOKEN";
    /** Azure connection string (may name a custom blob endpoint), storage setting {@code azure.connection-string}. */
    public static final String AZURE_STORAGE_CONNECTION_STRING = "AZURE_STORAGE_CONNECTION_STRING";
    /** Google service-account key file, storage setting {@code gcs.credentials-file}. */
    public static final String GOOGLE_APPLICATION_CREDENTIALS = "GOOGLE_APPLICATION_CREDENTIALS";
    /** WAL-G: S3 server-side encryption, storage setting {@code s3.sse}. */
    public static final String WALG_S3_SSE = "WALG_S3_SSE";
    /** WAL-G: the KMS key of S3 server-side encryption, storage setting {@code s3.sse-kms-key-id}. */
    public static final String WALG_S3_SSE_KMS_ID = "WALG_S3_SSE_KMS_ID";
    /** WAL-G: the S3 storage class of new objects, storage setting {@code s3.storage-class}. */
    public static final String WALG_S3_STORAGE_CLASS = "WALG_S3_STORAGE_CLASS";
    /** Attempts per storage call, storage setting {@code storage.retry.max-attempts}. */
    public static final String STORAGE_MAX_ATTEMPTS = "WALKEEPER_STORAGE_MAX_ATTEMPTS";
    /** Deadline of one storage call in seconds, storage setting {@code storage.call-timeout-seconds}. */
    public static final String STORAGE_CALL_TIMEOUT = "WALKEEPER_STORAGE_CALL_TIMEOUT";
    /** Network bytes per second, storage setting {@code storage.max-bytes-per-second}. */
    public static final String NETWORK_RATE_LIMIT = "WALKEEPER_NETWORK_RATE_LIMIT";
    /** WAL-G: network bytes per second, as {@link #NETWORK_RATE_LIMIT}. */
    public static final String WALG_NETWORK_RATE_LIMIT = "WALG_NETWORK_RATE_LIMIT";
    /** Objects uploaded at once, storage setting {@code storage.upload-concurrency}. */
    public static final String UPLOAD_CONCURRENCY = "WALKEEPER_UPLOAD_CONCURRENCY";
    /** Objects downloaded at once, storage setting {@code storage.download-concurrency}. */
    public static final String DOWNLOAD_CONCURRENCY = "WALKEEPER_DOWNLOAD_CONCURRENCY";
    /** WAL-G: download concurrency, as {@link #DOWNLOAD_CONCURRENCY}. */
    public static final String WALG_DOWNLOAD_CONCURRENCY = "WALG_DOWNLOAD_CONCURRENCY";

    private static final Map<String, String> S3_SETTINGS = mapOf(AWS_ENDPOINT, "s3.endpoint", AWS_REGION, "s3.region",
            AWS_S3_FORCE_PATH_STYLE, "s3.path-style", AWS_ACCESS_KEY_ID, "s3.access-key-id",
            AWS_SECRET_ACCESS_KEY, "s3.secret-access-key", WALG_S3_SSE, "s3.sse", WALG_S3_SSE_KMS_ID, "s3.sse-kms-key-id",
            WALG_S3_STORAGE_CLASS, "s3.storage-class");
    private static final Map<String, String> AZURE_SETTINGS = mapOf(AZURE_STORAGE_ACCOUNT, "azure.account-name",
            AZURE_STORAGE_ACCESS_KEY, "azure.account-key", AZURE_STORAGE_SAS_TOKEN, "azure.sas-token",
            AZURE_STORAGE_CONNECTION_STRING, "azure.connection-string");
    private static final Map<String, String> GCS_SETTINGS = mapOf(GOOGLE_APPLICATION_CREDENTIALS, "gcs.credentials-file");
    /** Shared storage settings: walkeeper key, WAL-G key (or empty), setting. */
    private static final List<List<String>> SHARED_STORAGE_SETTINGS = List.of(
            List.of(STORAGE_MAX_ATTEMPTS, "", "storage.retry.max-attempts"),
            List.of(STORAGE_CALL_TIMEOUT, "", "storage.call-timeout-seconds"),
            List.of(NETWORK_RATE_LIMIT, WALG_NETWORK_RATE_LIMIT, "storage.max-bytes-per-second"),
            List.of(UPLOAD_CONCURRENCY, "", "storage.upload-concurrency"),
            List.of(DOWNLOAD_CONCURRENCY, WALG_DOWNLOAD_CONCURRENCY, "storage.download-concurrency"));
    private static final Set<String> SECRETS = Set.of(PGPASSWORD, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, PGP_KEY,
            PGP_PASSPHRASE, WALG_PGP_KEY, WALG_PGP_KEY_PASSPHRASE, AZURE_STORAGE_ACCESS_KEY, AZURE_STORAGE_SAS_TOKEN,
            AZURE_STORAGE_CONNECTION_STRING);
    /** OpenPGP settings: walkeeper key, WAL-G key, provider setting. */
    private static final List<List<String>> PGP_SETTINGS = List.of(
            List.of(PGP_PUBLIC_KEY, "", "openpgp.public-key"),
            List.of(PGP_PUBLIC_KEY_PATH, "", "openpgp.public-key-path"),
            List.of(PGP_KEY, WALG_PGP_KEY, "openpgp.private-key"),
            List.of(PGP_KEY_PATH, WALG_PGP_KEY_PATH, "openpgp.private-key-path"),
            List.of(PGP_PASSPHRASE, WALG_PGP_KEY_PASSPHRASE, "openpgp.passphrase"));
    private static final Set<String> KEYS = Set.of(CONFIG, STORAGE, COMPRESSION, DELTA_MAX_STEPS, DELTA_ORIGIN, CONCURRENCY,
            PART_SIZE, WAL_PUSH_AHEAD, PGP_PUBLIC_KEY, PGP_PUBLIC_KEY_PATH, PGP_KEY, PGP_KEY_PATH, PGP_PASSPHRASE, WALG_PGP_KEY,
            WALG_PGP_KEY_PATH, WALG_PGP_KEY_PASSPHRASE,
            WAL_ARCHIVE_TIMEOUT, BACKUP_LEASE_TIMEOUT, LOG_LEVEL, PGDATA, PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, WALG_FILE_PREFIX,
            WALG_S3_PREFIX, WALG_AZ_PREFIX, WALG_GS_PREFIX, WALG_COMPRESSION_METHOD, WALG_DELTA_MAX_STEPS,
            WALG_DELTA_ORIGIN, WALG_UPLOAD_CONCURRENCY, AWS_ENDPOINT, AWS_REGION, AWS_S3_FORCE_PATH_STYLE, AWS_ACCESS_KEY_ID,
            AWS_SECRET_ACCESS_KEY, AZURE_STORAGE_ACCOUNT, AZURE_STORAGE_ACCESS_KEY, AZURE_STORAGE_SAS_TOKEN,
            AZURE_STORAGE_CONNECTION_STRING, GOOGLE_APPLICATION_CREDENTIALS, STORAGE_MAX_ATTEMPTS, STORAGE_CALL_TIMEOUT,
            NETWORK_RATE_LIMIT, WALG_NETWORK_RATE_LIMIT, UPLOAD_CONCURRENCY, DOWNLOAD_CONCURRENCY, WALG_DOWNLOAD_CONCURRENCY,
            WALG_S3_SSE, WALG_S3_SSE_KMS_ID, WALG_S3_STORAGE_CLASS);
    private static final List<String> STORAGE_KEYS = List.of(STORAGE, WALG_FILE_PREFIX, WALG_S3_PREFIX, WALG_AZ_PREFIX,
            WALG_GS_PREFIX);
    /** A provider setting written directly in the file, e.g. {@code "s3.sse": "aws:kms"}. */
    private static final Pattern PROVIDER_KEY = Pattern.compile("[a-z][a-z0-9]*\\.[a-z0-9][a-z0-9.-]*");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(?:([KMGT])(?:I?B)?|B)?", Pattern.CASE_INSENSITIVE);
    private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

    private final List<Layer> layers;
    private final Path file;
    private final List<String> notes;
    private final List<String> warnings;

    private record Layer(String name, Map<String, String> values, boolean environment) {
    }

    /** A value and where it came from. */
    private record Value(String key, String text, Layer layer) {
        String origin() {
            return layer.environment() ? "environment variable " + key : key + " in " + layer.name();
        }

        String trimmed() {
            return text.trim();
        }

        /** The value as messages show it: a secret's never, a URI's without user information or query values. */
        String shown() {
            return isSecret(key) ? "<hidden>" : io.walkeeper.spi.Redaction.text(text);
        }
    }

    private CliConfiguration(List<Layer> layers, Path file, List<String> notes, List<String> warnings) {
        this.layers = List.copyOf(layers);
        this.file = file;
        this.notes = List.copyOf(notes);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Finds and reads the configuration.
     *
     * @param explicitFile the file given with {@code --config}, or {@code null}
     * @param host the environment variables and home directory to use
     * @return the configuration
     * @throws ConfigurationException if a named file is missing or not a flat JSON object
     */
    public static CliConfiguration load(Path explicitFile, HostEnvironment host) {
        Map<String, String> env = host.variables();
        List<String> notes = new ArrayList<>();
        Path file = null;
        String origin = null;
        if (explicitFile != null) {
            file = explicitFile;
            origin = "given with --config";
        } else if (!env.getOrDefault(CONFIG, "").isBlank()) {
            file = path(env.get(CONFIG), CONFIG, "environment variable " + CONFIG);
            origin = "named by " + CONFIG;
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
            if (KEYS.contains(k) && !k.equals(CONFIG)) {
                fromEnv.put(k, v);
            } else if (!k.equals(CONFIG)) {
                unknown.check(k, "environment variable", KEYS, true);
            }
        });
        layers.add(new Layer("the environment", fromEnv, true));
        if (file != null) {
            file = file.toAbsolutePath().normalize();
            Path f = file;
            Map<String, String> values = ConfigFile.read(file, origin, k -> KEYS.contains(k) || PROVIDER_KEY.matcher(k).matches(),
                    k -> unknown.check(k, "in " + f, KEYS, false));
            if (values.containsKey(CONFIG)) {
                notes.add("Ignoring " + CONFIG + " in " + f + ": a configuration file cannot name another one");
                values.remove(CONFIG);
            }
            layers.add(new Layer(file.toString(), values, false));
            notes.add(0, "Using configuration file " + file + " (" + origin + ")");
        }
        unknown.throwIfAny();
        return new CliConfiguration(layers, file, notes, unknown.warnings());
    }

    /**
     * Returns the configuration file in use.
     *
     * @return its absolute path, or empty when settings come from the environment only
     */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /**
     * Returns keys that were ignored, worth an info log line: WAL-G settings walkeeper does not
     * implement (and that do not change what is stored), other keys in the file.
     *
     * @return one line per key
     */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Returns remarks worth a debug log line: the file in use, keys that were ignored.
     *
     * @return the remarks
     */
    public List<String> notes() {
        return notes;
    }

    /**
     * Returns the repository location from {@value #STORAGE} or WAL-G's {@code WALG_*_PREFIX}.
     *
     * @return the URI
     * @throws ConfigurationException if none is set or the value is malformed
     */
    public URI storage() {
        Value v = first(STORAGE_KEYS).orElseThrow(() -> new ConfigurationException("No storage configured: set " + STORAGE
                + " (e.g. file:///var/backups/pg or s3://bucket/prefix) in the environment or in "
                + (file != null ? file : "a configuration file given with --config")));
        return switch (v.key()) {
            case WALG_FILE_PREFIX -> {
                Path dir = path(v.text(), v.key(), v.origin());
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
            case WALG_S3_PREFIX -> uri(v, "s3");
            case WALG_AZ_PREFIX -> uri(v, "azure");
            case WALG_GS_PREFIX -> uri(v, "gs");
            default -> uri(v, null);
        };
    }

    /**
     * Returns the settings for the storage provider of {@code location}: for {@code s3://} the
     * {@code AWS_*} keys as {@code s3.*} settings; for any scheme, file keys written as
     * {@code <scheme>.<setting>}. Nothing for {@code file://} unless the file has {@code file.*} keys.
     *
     * @param location the repository location
     * @return setting name to value
     */
    public Map<String, String> storageSettings(URI location) {
        String scheme = location.getScheme().toLowerCase(Locale.ROOT);
        Map<String, String> mapped = switch (scheme) {
            case "s3" -> S3_SETTINGS;
            case "azure", "https" -> AZURE_SETTINGS;
            case "gs" -> GCS_SETTINGS;
            default -> Map.of();
        };
        String namespace = scheme.equals("https") ? "azure" : scheme.equals("gs") ? "gcs" : scheme;
        Map<String, String> out = new TreeMap<>();
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer layer = layers.get(i);
            for (var e : mapped.entrySet()) {
                String v = layer.values().get(e.getKey());
                if (v != null && !v.isBlank()) {
                    out.put(e.getValue(), e.getKey().equals(AWS_S3_FORCE_PATH_STYLE)
                            ? Boolean.toString(bool(new Value(e.getKey(), v, layer))) : v.trim());
                }
            }
            for (List<String> shared : SHARED_STORAGE_SETTINGS) {
                for (String key : List.of(shared.get(1), shared.get(0))) { // the walkeeper key wins
                    String v = key.isEmpty() ? null : layer.values().get(key);
                    if (v != null && !v.isBlank()) {
                        out.put(shared.get(2), Integer.toString(integer(new Value(key, v, layer), 0, Integer.MAX_VALUE)));
                    }
                }
            }
            layer.values().forEach((k, v) -> {
                if ((k.startsWith(namespace + ".") || k.startsWith("storage.")) && PROVIDER_KEY.matcher(k).matches()) {
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
        Optional<Value> v = first(List.of(COMPRESSION, WALG_COMPRESSION_METHOD));
        if (v.isEmpty()) {
            return COMPRESSION_DEFAULT;
        }
        String codec = v.get().trimmed().toLowerCase(Locale.ROOT);
        if (!codec.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new ConfigurationException("Cannot use " + v.get().origin() + " '" + v.get().shown()
                    + "': expected a codec name such as lz4, zstd, brotli, xz or none");
        }
        return codec.equals("lzma") ? "xz" : codec;
    }

    /**
     * Returns the OpenPGP settings for the {@code openpgp} encryption provider, if any key is
     * configured: objects are then encrypted to the public key (or the private key's public
     * part) and decrypted with the private key and passphrase.
     *
     * @return provider settings ({@code openpgp.*}), empty when encryption is off
     */
    public Optional<Map<String, String>> encryptionSettings() {
        Map<String, String> out = new LinkedHashMap<>();
        for (List<String> keys : PGP_SETTINGS) {
            List<String> names = keys.get(1).isEmpty() ? List.of(keys.get(0)) : List.of(keys.get(0), keys.get(1));
            first(names).ifPresent(v -> out.put(keys.get(2), keys.get(2).endsWith("-path")
                    ? path(v.text(), v.key(), v.origin()).toString() : v.text()));
        }
        boolean hasKey = out.keySet().stream().anyMatch(k -> k.contains("key"));
        if (!hasKey && !out.isEmpty()) {
            throw new ConfigurationException("A passphrase is set (" + PGP_PASSPHRASE + ") but no OpenPGP key: set "
                    + PGP_PUBLIC_KEY_PATH + " to encrypt and " + PGP_KEY_PATH + " to decrypt");
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }

    /**
     * Returns the longest delta chain, from {@value #DELTA_MAX_STEPS} or WAL-G's
     * {@value #WALG_DELTA_MAX_STEPS}.
     *
     * @return the number of steps (0 to 1000; 0 takes only full backups), if set
     */
    public OptionalInt deltaMaxSteps() {
        return first(List.of(DELTA_MAX_STEPS, WALG_DELTA_MAX_STEPS)).map(v -> OptionalInt.of(integer(v, 0, 1000)))
                .orElse(OptionalInt.empty());
    }

    /**
     * Returns which backup a delta is taken against, from {@value #DELTA_ORIGIN} or WAL-G's
     * {@value #WALG_DELTA_ORIGIN}. The value is case-insensitive.
     *
     * @return {@link DeltaOrigin#LATEST} or {@link DeltaOrigin#LATEST_FULL}, if set
     * @throws ConfigurationException if the value is neither
     */
    public Optional<DeltaOrigin> deltaOrigin() {
        return first(List.of(DELTA_ORIGIN, WALG_DELTA_ORIGIN)).map(v -> {
            for (DeltaOrigin origin : DeltaOrigin.values()) {
                if (origin.name().equalsIgnoreCase(v.trimmed())) {
                    return origin;
                }
            }
            throw new ConfigurationException("Cannot use " + v.origin() + " '" + v.shown() + "': expected LATEST (delta "
                    + "against the newest backup) or LATEST_FULL (delta against the newest full backup)");
        });
    }

    /**
     * Returns how many parts move at once.
     *
     * @return the concurrency, if set
     */
    public OptionalInt concurrency() {
        return first(List.of(CONCURRENCY, WALG_UPLOAD_CONCURRENCY)).map(v -> OptionalInt.of(integer(v, 1, 1024)))
                .orElse(OptionalInt.empty());
    }

    /**
     * Returns how many ready WAL segments wal-push archives ahead.
     *
     * @return 0 to 64; {@value #WAL_PUSH_AHEAD_DEFAULT} if unset
     */
    public int walPushAhead() {
        return first(List.of(WAL_PUSH_AHEAD)).map(v -> integer(v, 0, 64)).orElse(WAL_PUSH_AHEAD_DEFAULT);
    }

    /**
     * Returns the part size threshold.
     *
     * @return bytes, if set
     */
    public OptionalLong partSize() {
        Optional<Value> found = first(List.of(PART_SIZE));
        if (found.isEmpty()) {
            return OptionalLong.empty();
        }
        Value v = found.get();
        Matcher m = SIZE.matcher(v.trimmed());
        if (!m.matches()) {
            throw new ConfigurationException("Cannot use " + v.origin() + " '" + v.shown()
                    + "': expected a number of bytes, or a number with KB, MB or GB (powers of 1024), e.g. 256MB");
        }
        int shift = m.group(2) == null ? 0 : 10 * ("KMGT".indexOf(Character.toUpperCase(m.group(2).charAt(0))) + 1);
        try {
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException("too large");
            }
            return OptionalLong.of(n << shift);
        } catch (NumberFormatException e) {
            throw new ConfigurationException("Cannot use " + v.origin() + " '" + v.shown() + "': the size is too large", e);
        }
    }

    /**
     * Returns how long a backup waits for its WAL to be archived.
     *
     * @return the timeout, if set
     */
    public Optional<Duration> walArchiveTimeout() {
        return first(List.of(WAL_ARCHIVE_TIMEOUT)).map(v -> Duration.ofSeconds(integer(v, 1, 86_400 * 7)));
    }

    /**
     * Returns how long a running backup's lease lives without renewal.
     *
     * @return the timeout, if set
     */
    public Optional<Duration> backupLeaseTimeout() {
        return first(List.of(BACKUP_LEASE_TIMEOUT)).map(v -> Duration.ofSeconds(integer(v, 4, 86_400 * 7)));
    }

    /**
     * Returns the log level.
     *
     * @return {@code trace}, {@code debug}, {@code info}, {@code warn}, {@code error} or {@code off}
     */
    public String logLevel() {
        Optional<Value> v = first(List.of(LOG_LEVEL));
        if (v.isEmpty()) {
            return LOG_LEVEL_DEFAULT;
        }
        String level = v.get().trimmed().toLowerCase(Locale.ROOT);
        if (level.equals("warning")) {
            level = "warn";
        }
        if (!LOG_LEVELS.contains(level)) {
            throw new ConfigurationException("Cannot use " + v.get().origin() + " '" + v.get().shown()
                    + "': expected trace, debug, info, warn, error or off");
        }
        return level;
    }

    /**
     * Returns whether a log level was configured.
     *
     * @return {@code true} if {@value #LOG_LEVEL} is set
     */
    public boolean hasLogLevel() {
        return first(List.of(LOG_LEVEL)).isPresent();
    }

    /**
     * Returns the data directory from {@value #PGDATA}.
     *
     * @return the directory, if set
     */
    public Optional<Path> pgData() {
        return first(List.of(PGDATA)).map(v -> path(v.text(), v.key(), v.origin()));
    }

    /**
     * Returns how to connect to PostgreSQL, libpq style: {@value #PGHOST} is a host name or a
     * Unix socket directory; when it is unset, the server's socket in one of
     * {@link #DEFAULT_SOCKET_DIRECTORIES} is used if it exists, else localhost over TCP.
     *
     * @param osUserName the default role
     * @return the connection settings
     */
    public PgConnection pgConnection(String osUserName) {
        int port = first(List.of(PGPORT)).map(v -> integer(v, 1, 65535)).orElse(5432);
        String host = first(List.of(PGHOST)).map(Value::trimmed).orElseGet(() -> defaultHost(port));
        String user = first(List.of(PGUSER)).map(Value::trimmed).orElse(osUserName);
        String password = first(List.of(PGPASSWORD)).map(Value::text).orElse(null);
        String database = first(List.of(PGDATABASE)).map(Value::trimmed).orElse("postgres");
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
     * Explains where {@link #pgConnection(String)} connects when {@value #PGHOST} is not set.
     *
     * @return the explanation, or empty when PGHOST is set
     */
    public Optional<String> pgHostNote() {
        if (first(List.of(PGHOST)).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("PGHOST is not set; using the Unix socket in " + String.join(" or ", DEFAULT_SOCKET_DIRECTORIES)
                + " if the server has one there, else localhost over TCP");
    }

    /**
     * Returns the settings a {@code wal-fetch} started by PostgreSQL needs and would not find in
     * the configuration file: those that came from environment variables (all of them when no
     * file is in use), by their canonical names. Secrets are never included; see
     * {@link #secretsFromEnvironment()}.
     *
     * @return variable name to value, for assignments in front of the command
     */
    public Map<String, String> walFetchEnvironment() {
        Map<String, String> out = new LinkedHashMap<>();
        boolean environmentOnly = file == null;
        Optional<Value> storage = first(STORAGE_KEYS);
        if (storage.isPresent() && storage.get().layer().environment()) {
            out.put(STORAGE, storage().toString());
        }
        Optional<Value> codec = first(List.of(COMPRESSION, WALG_COMPRESSION_METHOD));
        if (codec.map(v -> v.layer().environment()).orElse(environmentOnly && !out.isEmpty())) {
            out.put(COMPRESSION, compression());
        }
        for (String key : List.of(PGP_PUBLIC_KEY_PATH, PGP_KEY_PATH, WALG_PGP_KEY_PATH)) {
            first(List.of(key)).filter(v -> v.layer().environment()).ifPresent(v -> out.put(key, v.trimmed()));
        }
        List<String> carried = new ArrayList<>();
        String scheme = storage.isPresent() ? storage().getScheme().toLowerCase(Locale.ROOT) : "";
        switch (scheme) {
            case "s3" -> carried.addAll(List.of(AWS_ENDPOINT, AWS_REGION, AWS_S3_FORCE_PATH_STYLE));
            case "azure", "https" -> carried.add(AZURE_STORAGE_ACCOUNT);
            case "gs" -> carried.add(GOOGLE_APPLICATION_CREDENTIALS);
            default -> { }
        }
        SHARED_STORAGE_SETTINGS.forEach(k -> carried.addAll(k.subList(0, 2).stream().filter(x -> !x.isEmpty()).toList()));
        for (String key : carried) {
            first(List.of(key)).filter(v -> v.layer().environment()).ifPresent(v -> out.put(key, v.trimmed()));
        }
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
        for (String key : List.of(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, PGP_KEY, PGP_PASSPHRASE, WALG_PGP_KEY,
                WALG_PGP_KEY_PASSPHRASE, AZURE_STORAGE_ACCESS_KEY, AZURE_STORAGE_SAS_TOKEN, AZURE_STORAGE_CONNECTION_STRING)) {
            first(List.of(key)).filter(v -> v.layer().environment()).ifPresent(v -> out.add(key));
        }
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
     * Lists the keys this tool reads from the environment or a file.
     *
     * @return the key names
     */
    public static Set<String> knownKeys() {
        return KEYS;
    }

    private Optional<Value> first(List<String> keys) {
        for (Layer layer : layers) {
            for (String key : keys) {
                String v = layer.values().get(key);
                if (v != null && !v.isBlank()) {
                    return Optional.of(new Value(key, v, layer));
                }
            }
        }
        return Optional.empty();
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

    private static int integer(Value v, int min, int max) {
        try {
            int n = Integer.parseInt(v.trimmed());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigurationException("Cannot use " + v.origin() + " '" + v.shown() + "': expected a whole number from "
                    + min + " to " + max);
        }
    }

    private static boolean bool(Value v) {
        return switch (v.trimmed().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new ConfigurationException("Cannot use " + v.origin() + " '" + v.shown() + "': expected true or false");
        };
    }

    private static Path path(String text, String key, String origin) {
        try {
            return Path.of(text.trim());
        } catch (InvalidPathException e) {
            throw new ConfigurationException("Cannot use " + origin + " '" + text + "': not a valid path (" + e.getReason() + ")", e);
        }
    }

    private static Map<String, String> mapOf(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
