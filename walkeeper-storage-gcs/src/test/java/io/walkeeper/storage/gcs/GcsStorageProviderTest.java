package io.walkeeper.storage.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.auth.oauth2.ExternalAccountCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.auth.oauth2.UserCredentials;
import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.StorageProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcsStorageProviderTest {
    private static final URI LOCATION = URI.create("gs://walkeeper-test/pg");

    @TempDir
    Path tempDir;

    @Test
    void isFoundByServiceLoaderForGsScheme() {
        List<StorageProvider> providers = ServiceLoader.load(StorageProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.schemes().contains("gs"))
                .collect(Collectors.toList());
        assertEquals(1, providers.size());
        assertInstanceOf(GcsStorageProvider.class, providers.get(0));
        assertEquals(Set.of("gs"), providers.get(0).schemes());
    }

    @Test
    void opensWithAServiceAccountKeyWithoutSendingARequest() throws Exception {
        try (ScriptedGcsServer server = new ScriptedGcsServer()) {
            Path key = Files.writeString(tempDir.resolve("key.json"), server.serviceAccountKey());
            try (BlobStore store = new GcsStorageProvider().open(LOCATION, Map.of(
                    GcsSettings.CREDENTIALS_FILE, key.toString(), GcsSettings.ENDPOINT, server.endpoint()))) {
                assertEquals(URI.create("gs://walkeeper-test/pg/"), store.location());
                assertEquals(List.of(), server.requests());
            }
        }
    }

    @Test
    void rejectsBadLocationsSettingsAndCredentials() throws Exception {
        GcsStorageProvider provider = new GcsStorageProvider();
        assertThrows(ConfigurationException.class, () -> provider.open(URI.create("gs://Bad/x"), Map.of()));
        ConfigurationException unknown = assertThrows(ConfigurationException.class,
                () -> provider.open(LOCATION, Map.of("gcs.bucket", "x")));
        assertTrue(unknown.getMessage().contains("gcs.bucket"), unknown.getMessage());

        ConfigurationException missing = assertThrows(ConfigurationException.class, () -> provider.open(LOCATION,
                Map.of(GcsSettings.CREDENTIALS_FILE, tempDir.resolve("absent.json").toString())));
        assertTrue(missing.getMessage().contains("absent.json") && missing.getMessage().contains("does not exist"),
                missing.getMessage());

        Path otherType = Files.writeString(tempDir.resolve("other.json"),
                "{\"type\":\"api_key\",\"client_id\":\"a\",\"client_secret\":\"s3cr3t\"}");
        ConfigurationException wrongType = assertThrows(ConfigurationException.class,
                () -> provider.open(LOCATION, Map.of(GcsSettings.CREDENTIALS_FILE, otherType.toString())));
        assertTrue(wrongType.getMessage().contains("'api_key'") && wrongType.getMessage().contains("service_account"),
                wrongType.getMessage());
        assertTrue(!wrongType.getMessage().contains("s3cr3t"), wrongType.getMessage());

        Path broken = Files.writeString(tempDir.resolve("user-broken.json"), "{\"type\":\"authorized_user\"}");
        ConfigurationException incomplete = assertThrows(ConfigurationException.class,
                () -> provider.open(LOCATION, Map.of(GcsSettings.CREDENTIALS_FILE, broken.toString())));
        assertTrue(incomplete.getMessage().contains("'authorized_user' credentials"), incomplete.getMessage());

        Path garbage = Files.writeString(tempDir.resolve("garbage.json"), "{\"private_key\": \"-----BEGIN");
        ConfigurationException malformed = assertThrows(ConfigurationException.class,
                () -> provider.open(LOCATION, Map.of(GcsSettings.CREDENTIALS_FILE, garbage.toString())));
        assertTrue(malformed.getMessage().contains(GcsSettings.CREDENTIALS_FILE), malformed.getMessage());
    }

    /**
     * GOOGLE_APPLICATION_CREDENTIALS may name any file gcloud writes, not only a service-account
     * key: each is read as the type it declares.
     */
    @Test
    void readsEachTypeOfCredentialsFile() throws Exception {
        GcsLocation location = GcsLocation.parse(LOCATION);
        Path user = Files.writeString(tempDir.resolve("user.json"),
                "{\"type\":\"authorized_user\",\"client_id\":\"a\",\"client_secret\":\"s\",\"refresh_token\":\"r\"}");
        assertInstanceOf(UserCredentials.class,
                GcsClients.credentials(GcsSettings.parse(Map.of(GcsSettings.CREDENTIALS_FILE, user.toString())), location));

        Path federation = Files.writeString(tempDir.resolve("federation.json"), """
                {"type": "external_account",
                 "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q",
                 "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
                 "token_url": "https://sts.googleapis.com/v1/token",
                 "credential_source": {"file": "/var/run/secrets/token"}}
                """);
        assertInstanceOf(ExternalAccountCredentials.class,
                GcsClients.credentials(GcsSettings.parse(Map.of(GcsSettings.CREDENTIALS_FILE, federation.toString())),
                        location));

        try (ScriptedGcsServer server = new ScriptedGcsServer()) {
            Path key = Files.writeString(tempDir.resolve("key.json"), server.serviceAccountKey());
            assertInstanceOf(ServiceAccountCredentials.class,
                    GcsClients.credentials(GcsSettings.parse(Map.of(GcsSettings.CREDENTIALS_FILE, key.toString())), location));
        }
    }
}
