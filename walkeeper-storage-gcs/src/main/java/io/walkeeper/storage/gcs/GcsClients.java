package io.walkeeper.storage.gcs;

import com.google.auth.Credentials;
import com.google.api.client.json.GenericJson;
import com.google.api.client.json.gson.GsonFactory;
import com.google.auth.oauth2.ExternalAccountCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ImpersonatedCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.auth.oauth2.UserCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.storage.HttpStorageOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.walkeeper.api.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Google Cloud Storage client a store uses: the JSON API over HTTP (no gRPC), the
 * credentials from {@link GcsSettings}, and no retries of its own, since walkeeper's storage layer
 * retries the calls whose failure is {@linkplain io.walkeeper.api.StorageException#isRetryable()
 * retryable}.
 */
final class GcsClients {
    private static final Logger LOG = LoggerFactory.getLogger(GcsClients.class);

    private GcsClients() {
    }

    /**
     * Creates a client. Reads the credentials now; sends no request.
     *
     * @param settings the provider settings
     * @param location where the store lives, for messages
     * @return the client
     * @throws ConfigurationException if the credentials cannot be read or found
     */
    static Storage create(GcsSettings settings, GcsLocation location) {
        Credentials credentials = credentials(settings, location);
        HttpStorageOptions.Builder options = StorageOptions.http()
                .setCredentials(credentials)
                .setRetrySettings(ServiceOptions.getNoRetrySettings());
        String project = settings.projectId().orElse(null);
        if (project == null && credentials instanceof ServiceAccountCredentials account) {
            project = account.getProjectId();
        }
        if (project != null) {
            options.setProjectId(project);
        }
        settings.endpoint().ifPresent(options::setHost);
        return options.build().getService();
    }

    /**
     * Reads the credentials: the file {@link GcsSettings#CREDENTIALS_FILE} names, by the type it
     * declares (a service-account key, a user's credentials from {@code gcloud auth
     * application-default login}, a workload identity federation configuration, or an
     * impersonation configuration), or else Application Default Credentials.
     */
    static Credentials credentials(GcsSettings settings, GcsLocation location) {
        Path file = settings.credentialsFile().orElse(null);
        if (file != null) {
            String type = null;
            try {
                byte[] json = Files.readAllBytes(file);
                type = credentialType(json);
                InputStream in = new ByteArrayInputStream(json);
                return switch (type) {
                    case "service_account" -> ServiceAccountCredentials.fromStream(in);
                    case "authorized_user" -> UserCredentials.fromStream(in);
                    case "external_account" -> ExternalAccountCredentials.fromStream(in);
                    case "impersonated_service_account" -> ImpersonatedCredentials.fromStream(in);
                    default -> throw new ConfigurationException("Cannot open Google Cloud Storage at " + location.uri()
                            + ": the credentials file " + file + " (" + GcsSettings.CREDENTIALS_FILE + ") is of type '"
                            + type + "'; walkeeper reads service_account, authorized_user, external_account and "
                            + "impersonated_service_account files", null);
                };
            } catch (NoSuchFileException e) {
                throw new ConfigurationException("Cannot open Google Cloud Storage at " + location.uri()
                        + ": the credentials file " + file + " (" + GcsSettings.CREDENTIALS_FILE + ") does not exist", e);
            } catch (IOException | IllegalArgumentException | IllegalStateException e) {
                throw new ConfigurationException("Cannot open Google Cloud Storage at " + location.uri()
                        + ": cannot read " + (type == null ? "Google credentials" : "'" + type + "' credentials") + " from "
                        + file + " (" + GcsSettings.CREDENTIALS_FILE + "): " + shortened(e)
                        + "; give a service-account JSON key, or another credentials file gcloud wrote", e);
            }
        }
        try {
            return GoogleCredentials.getApplicationDefault();
        } catch (IOException e) {
            if (settings.endpoint().isPresent()) {
                LOG.info("No Google credentials found; sending requests to {} without credentials",
                        settings.endpoint().get());
                return NoCredentials.getInstance();
            }
            throw new ConfigurationException("Cannot open Google Cloud Storage at " + location.uri()
                    + ": no credentials found; set " + GcsSettings.CREDENTIALS_FILE + " (or the "
                    + "GOOGLE_APPLICATION_CREDENTIALS environment variable) to a service-account JSON key file, "
                    + "or run where Application Default Credentials are available", e);
        }
    }

    private static String credentialType(byte[] json) throws IOException {
        GenericJson parsed;
        try {
            parsed = GsonFactory.getDefaultInstance().fromInputStream(new ByteArrayInputStream(json), GenericJson.class);
        } catch (IllegalArgumentException e) {
            throw new IOException("it is not JSON: " + e.getMessage(), e);
        }
        Object type = parsed == null ? null : parsed.get("type");
        if (!(type instanceof String t) || t.isBlank()) {
            throw new IOException("it is not a Google credentials file: it has no \"type\" field");
        }
        return t;
    }

    private static String shortened(Exception e) {
        String message = String.valueOf(e.getMessage());
        return message.length() > 200 ? message.substring(0, 200) + "..." : message;
    }
}
