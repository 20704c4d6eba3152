package io.walkeeper.storage.gcs;

import io.walkeeper.api.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings of the {@code gs:} provider: the {@value #PREFIX} keys of the settings map, parsed
 * once and checked. Unknown {@value #PREFIX} keys and malformed values are rejected with a
 * {@link ConfigurationException} naming the key; keys of other namespaces belong to other
 * components and are ignored.
 *
 * <p>Credentials come from {@value #CREDENTIALS_FILE} when it is set, and otherwise from Google's
 * Application Default Credentials: the key file named by the {@code GOOGLE_APPLICATION_CREDENTIALS}
 * environment variable, the {@code gcloud} user credentials, or the service account of the
 * Compute Engine, GKE or Cloud Run instance the process runs on.
 *
 * <p>Immutable and thread-safe.
 */
public final class GcsSettings {

    /** The namespace of these settings, {@value}. */
    public static final String PREFIX = "gcs.";

    /**
     * Setting {@value}: path of a credentials file: a service-account JSON key, or a user
     * ({@code authorized_user}), workload identity federation ({@code external_account}) or
     * impersonation file, read as the {@code type} it declares. Unset: Application Default
     * Credentials. The file is read once, when the store is opened.
     */
    public static final String CREDENTIALS_FILE = "gcs.credentials-file";

    /**
     * Setting {@value}: the Google Cloud project to bill and attribute requests to. Unset: the
     * project of the service-account key, or of the environment. Object reads and writes do not
     * need it.
     */
    public static final String PROJECT_ID = "gcs.project-id";

    /**
     * Setting {@value}: the JSON API endpoint, as {@code https://host[:port]}, instead of
     * {@value #ENDPOINT_DEFAULT}; for Private Service Connect endpoints or an emulator. With an
     * endpoint and no credentials available, requests are sent without credentials.
     */
    public static final String ENDPOINT = "gcs.endpoint";

    /** The endpoint used when {@value #ENDPOINT} is unset. */
    public static final String ENDPOINT_DEFAULT = "https://storage.googleapis.com";

    /**
     * Setting {@value}: bytes sent per request of a resumable upload, which is also the memory an
     * upload in progress buffers. A multiple of 256 KiB between 256 KiB and 1 GiB, in bytes or with
     * a {@code KiB} or {@code MiB} suffix; default {@value #CHUNK_SIZE_DEFAULT} bytes (16 MiB).
     */
    public static final String CHUNK_SIZE = "gcs.chunk-size";

    /** The default of {@value #CHUNK_SIZE}, 16 MiB. */
    public static final int CHUNK_SIZE_DEFAULT = 16 << 20;

    private static final int CHUNK_GRANULARITY = 256 << 10;
    private static final int CHUNK_SIZE_MAX = 1 << 30;
    private static final Set<String> KEYS = Set.of(CREDENTIALS_FILE, PROJECT_ID, ENDPOINT, CHUNK_SIZE);

    private final Path credentialsFile;
    private final String projectId;
    private final String endpoint;
    private final int chunkSize;

    private GcsSettings(Path credentialsFile, String projectId, String endpoint, int chunkSize) {
        this.credentialsFile = credentialsFile;
        this.projectId = projectId;
        this.endpoint = endpoint;
        this.chunkSize = chunkSize;
    }

    /**
     * Reads the {@value #PREFIX} keys of a settings map; a blank value counts as unset.
     *
     * @param settings all settings; every key must be a known {@value #PREFIX} key (storage-wide
     *     {@code storage.*} keys are taken off before a provider sees the map)
     * @return the parsed settings
     * @throws ConfigurationException for an unknown {@value #PREFIX} key or a malformed value
     */
    public static GcsSettings parse(Map<String, String> settings) {
        Objects.requireNonNull(settings, "settings");
        Set<String> unknown = new TreeSet<>();
        for (String key : settings.keySet()) {
            if (!KEYS.contains(key) && !key.startsWith("storage.")) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigurationException("Unknown Google Cloud Storage setting(s) " + unknown + " (known: "
                    + new TreeSet<>(KEYS) + ")");
        }
        String file = value(settings, CREDENTIALS_FILE);
        String endpoint = value(settings, ENDPOINT);
        String chunk = value(settings, CHUNK_SIZE);
        return new GcsSettings(file == null ? null : credentialsPath(file), value(settings, PROJECT_ID),
                endpoint == null ? null : endpoint(endpoint), chunk == null ? CHUNK_SIZE_DEFAULT : chunkSize(chunk));
    }

    /** Returns the settings with every key unset. */
    static GcsSettings defaults() {
        return parse(Map.of());
    }

    /**
     * Returns the service-account key file, if one is configured.
     *
     * @return the path from {@value #CREDENTIALS_FILE}
     */
    public Optional<Path> credentialsFile() {
        return Optional.ofNullable(credentialsFile);
    }

    /**
     * Returns the configured project.
     *
     * @return the value of {@value #PROJECT_ID}
     */
    public Optional<String> projectId() {
        return Optional.ofNullable(projectId);
    }

    /**
     * Returns the endpoint override, without a trailing slash.
     *
     * @return the value of {@value #ENDPOINT}
     */
    public Optional<String> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /**
     * Returns the resumable upload chunk size.
     *
     * @return bytes, a multiple of 256 KiB
     */
    public int chunkSize() {
        return chunkSize;
    }

    @Override
    public String toString() {
        return "GcsSettings[credentialsFile=" + credentialsFile + ", projectId=" + projectId + ", endpoint=" + endpoint
                + ", chunkSize=" + chunkSize + "]";
    }

    private static String value(Map<String, String> settings, String key) {
        String v = settings.get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static Path credentialsPath(String file) {
        try {
            return Path.of(file);
        } catch (InvalidPathException e) {
            throw new ConfigurationException("Setting " + CREDENTIALS_FILE + " is not a valid path: " + e.getMessage(), e);
        }
    }

    private static String endpoint(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw badEndpoint(value, "it is not a URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw badEndpoint(value, "it must start with https:// (or http:// for a local emulator)");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw badEndpoint(value, "it must name a host and nothing before it");
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw badEndpoint(value, "give the scheme, host and port only, without a path, query or fragment");
        }
        return scheme + "://" + uri.getRawAuthority();
    }

    private static ConfigurationException badEndpoint(String value, String reason) {
        return new ConfigurationException("Setting " + ENDPOINT + " = '" + io.walkeeper.spi.Redaction.text(value)
                + "' is invalid: " + reason
                + " (e.g. " + ENDPOINT_DEFAULT + ")");
    }

    private static int chunkSize(String value) {
        String v = value.toLowerCase(Locale.ROOT).replace(" ", "");
        long unit = 1;
        if (v.endsWith("kib")) {
            unit = 1 << 10;
            v = v.substring(0, v.length() - 3);
        } else if (v.endsWith("mib")) {
            unit = 1 << 20;
            v = v.substring(0, v.length() - 3);
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Long.parseLong(v), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw badChunkSize(value);
        }
        if (bytes < CHUNK_GRANULARITY || bytes > CHUNK_SIZE_MAX || bytes % CHUNK_GRANULARITY != 0) {
            throw badChunkSize(value);
        }
        return (int) bytes;
    }

    private static ConfigurationException badChunkSize(String value) {
        return new ConfigurationException("Setting " + CHUNK_SIZE + " = '" + value + "' is invalid: it must be a "
                + "multiple of 256 KiB between 256KiB and 1024MiB, in bytes or with a KiB or MiB suffix (default 16MiB)");
    }
}
