package io.walkeeper.storage.gcs;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.Setting;
import io.walkeeper.spi.SettingsReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of the {@code gs:} provider: the {@value #PREFIX} keys of the settings map, parsed
 * once and checked. Unknown keys and malformed values are rejected with a
 * {@link ConfigurationException} naming the key.
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

    /** Every setting of this provider, with Google's environment variable for the key file. */
    static final List<Setting> DECLARED = List.of(
            Setting.path(CREDENTIALS_FILE).environment("GOOGLE_APPLICATION_CREDENTIALS")
                    .description("Credentials file (service-account key, user, external account); not set: Application "
                            + "Default Credentials").build(),
            Setting.text(PROJECT_ID).environment("GOOGLE_CLOUD_PROJECT")
                    .description("Project to bill and attribute requests to").build(),
            Setting.url(ENDPOINT)
                    .description("JSON API endpoint as https://host[:port] (Private Service Connect, an emulator)").build(),
            Setting.size(CHUNK_SIZE, CHUNK_GRANULARITY, CHUNK_SIZE_MAX).defaultValue(CHUNK_SIZE_DEFAULT)
                    .description("Bytes per request of a resumable upload, a multiple of 256 KiB").build());

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
        SettingsReader p = SettingsReader.of("Cannot configure Google Cloud Storage", DECLARED, settings, "storage.");
        String endpoint = p.url(ENDPOINT).map(uri -> {
            String path = uri.getRawPath();
            if (path != null && !path.isEmpty() && !path.equals("/")) {
                throw p.invalid(ENDPOINT, "the scheme, host and port only, without a path (e.g. " + ENDPOINT_DEFAULT + ")");
            }
            return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority();
        }).orElse(null);
        int chunkSize = p.integer(CHUNK_SIZE);
        if (chunkSize % CHUNK_GRANULARITY != 0) {
            throw p.invalid(CHUNK_SIZE, "a multiple of 256 KiB between 256KiB and 1024MiB (default 16MiB)");
        }
        return new GcsSettings(p.path(CREDENTIALS_FILE).orElse(null), p.text(PROJECT_ID).orElse(null), endpoint, chunkSize);
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
}
