package io.walkeeper.storage.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.StorageException;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.StorageProvider;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Settings validation and provider discovery; opening a store sends no request, so no server is needed. */
class AzureStorageProviderTest {
    private static final String KEY = "a2V5LWZvci10ZXN0cy1vbmx5LW5vdC1hLXJlYWwta2V5LWF0LWFsbA==";
    private static final String SAS = "sv=2024-08-04&sp=racwdl&sig=c2VjcmV0c2lnbmF0dXJl";
    private static final URI LOCATION = URI.create("azure://backups/pg");

    private final AzureStorageProvider provider = new AzureStorageProvider();

    @Test
    void isFoundByServiceLoaderAndClaimsOnlyAzureHttpsHosts() {
        StorageProvider found = ServiceLoader.load(StorageProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof AzureStorageProvider).findFirst().orElseThrow();
        assertEquals(java.util.Set.of("azure", "https"), found.schemes());
        assertTrue(found.supports(URI.create("azure://c01/p")));
        assertTrue(found.supports(URI.create("https://acct.blob.core.windows.net/c01/p")));
        assertFalse(found.supports(URI.create("https://s3.amazonaws.com/bucket/p")));
        assertFalse(found.supports(URI.create("file:///var/backups")));
    }

    @Test
    void aSettingOfAnotherStoreIsRefused() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> provider.open(LOCATION, Map.of(
                AzureSettings.ACCOUNT_NAME, "acct", AzureSettings.ACCOUNT_KEY, KEY, "s3.sse", "aws:kms")));
        assertTrue(e.getMessage().contains("s3.sse"), e.getMessage());
    }

    @Test
    void opensWithAccountAndKeyWithoutNetwork() {
        try (BlobStore store = provider.open(LOCATION, Map.of(AzureSettings.ACCOUNT_NAME, "acct",
                AzureSettings.ACCOUNT_KEY, KEY, "storage.retry.max-attempts", "3"))) {
            assertEquals(LOCATION, store.location());
            AzureBlobStore azure = assertInstanceOf(AzureBlobStore.class, store);
            assertEquals("backups", azure.container());
            assertEquals("pg", azure.prefix());
        }
        try (BlobStore store = provider.open(URI.create("https://acct.blob.core.windows.net/backups/pg"),
                Map.of(AzureSettings.SAS_TOKEN, "?" + SAS))) {
            assertEquals("backups", ((AzureBlobStore) store).container());
        }
        try (BlobStore store = provider.open(LOCATION, Map.of(AzureSettings.CONNECTION_STRING,
                "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + KEY + ";EndpointSuffix=core.windows.net",
                AzureSettings.ACCOUNT_NAME, "acct", AzureSettings.ACCOUNT_KEY, KEY))) {
            assertEquals(LOCATION, store.location());
        }
        // a connection string without credentials gives the endpoint, the key comes separately (as the CLI maps it)
        try (BlobStore store = provider.open(LOCATION, Map.of(AzureSettings.CONNECTION_STRING,
                "BlobEndpoint=http://127.0.0.1:10000/acct;AccountName=acct", AzureSettings.ACCOUNT_NAME, "acct",
                AzureSettings.ACCOUNT_KEY, KEY))) {
            assertEquals(LOCATION, store.location());
        }
        try (BlobStore store = provider.open(LOCATION, Map.of(AzureSettings.CONNECTION_STRING,
                "UseDevelopmentStorage=true"))) {
            assertEquals(LOCATION, store.location());
        }
    }

    @Test
    void closedStoreRefusesCallsWithoutNetwork() {
        BlobStore store = provider.open(LOCATION, Map.of(AzureSettings.ACCOUNT_NAME, "acct", AzureSettings.ACCOUNT_KEY,
                KEY));
        store.close();
        store.close();
        StorageException e = assertThrows(StorageException.class, () -> store.head("k"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(StorageException.class, () -> store.get("k"));
        assertThrows(StorageException.class, () -> store.list(""));
        assertThrows(StorageException.class, () -> store.create("k", out -> { }));
        assertThrows(StorageException.class, () -> store.put("k", out -> { }));
        assertThrows(StorageException.class, () -> store.delete(List.of("k")));
    }

    @Test
    void unknownAzureSettingIsNamed() {
        ConfigurationException e = refused(Map.of(AzureSettings.ACCOUNT_NAME, "acct", AzureSettings.ACCOUNT_KEY, KEY,
                "azure.acount-key", "x"));
        assertTrue(e.getMessage().contains("azure.acount-key"), e.getMessage());
        assertTrue(e.getMessage().contains(AzureSettings.ACCOUNT_KEY), "lists the known keys: " + e.getMessage());
    }

    @Test
    void malformedValuesAreNamedWithoutEchoingSecrets() {
        Map<String, String> base = Map.of(AzureSettings.ACCOUNT_NAME, "acct", AzureSettings.ACCOUNT_KEY, KEY);
        assertNamed(with(base, AzureSettings.BLOCK_SIZE, "8M"), AzureSettings.BLOCK_SIZE);
        assertNamed(with(base, AzureSettings.BLOCK_SIZE, "1024"), AzureSettings.BLOCK_SIZE);
        assertNamed(with(base, AzureSettings.BLOCK_SIZE, Long.toString(1L << 40)), AzureSettings.BLOCK_SIZE);
        assertNamed(with(base, AzureSettings.UPLOAD_CONCURRENCY, "0"), AzureSettings.UPLOAD_CONCURRENCY);
        assertNamed(with(base, AzureSettings.UPLOAD_CONCURRENCY, "65"), AzureSettings.UPLOAD_CONCURRENCY);
        assertNamed(with(base, AzureSettings.ENDPOINT, "ftp://host/x"), AzureSettings.ENDPOINT);
        assertNamed(with(base, AzureSettings.ENDPOINT, "https://host/acct?" + SAS), AzureSettings.ENDPOINT);
        assertNamed(with(base, AzureSettings.ACCOUNT_NAME, "acct.blob"), AzureSettings.ACCOUNT_NAME);

        ConfigurationException key = refused(Map.of(AzureSettings.ACCOUNT_NAME, "acct",
                AzureSettings.ACCOUNT_KEY, "not base64 at all!"));
        assertTrue(key.getMessage().contains(AzureSettings.ACCOUNT_KEY), key.getMessage());
        assertFalse(key.getMessage().contains("not base64 at all!"), key.getMessage());

        ConfigurationException sas = refused(Map.of(AzureSettings.ACCOUNT_NAME, "acct",
                AzureSettings.SAS_TOKEN, "sv=2024&sp=r&secret=xyz"));
        assertTrue(sas.getMessage().contains(AzureSettings.SAS_TOKEN), sas.getMessage());
        assertFalse(sas.getMessage().contains("secret=xyz"), sas.getMessage());

        String cs = "AccountName=acct;" + KEY.replace("=", "");
        ConfigurationException conn = refused(Map.of(AzureSettings.CONNECTION_STRING, cs));
        assertTrue(conn.getMessage().contains(AzureSettings.CONNECTION_STRING), conn.getMessage());
        assertFalse(conn.getMessage().contains(KEY), conn.getMessage());
    }

    @Test
    void ambiguousOrContradictorySettingsAreRefused() {
        assertNamed(Map.of(AzureSettings.ACCOUNT_NAME, "acct", AzureSettings.ACCOUNT_KEY, KEY,
                AzureSettings.SAS_TOKEN, SAS), AzureSettings.SAS_TOKEN);
        assertNamed(Map.of(AzureSettings.CONNECTION_STRING, "AccountName=acct;AccountKey=" + KEY,
                AzureSettings.SAS_TOKEN, SAS), AzureSettings.CONNECTION_STRING);
        assertNamed(Map.of(AzureSettings.CONNECTION_STRING, "AccountName=acct;AccountKey=" + KEY,
                AzureSettings.ACCOUNT_NAME, "other"), "'other'");
        assertNamed(Map.of(AzureSettings.CONNECTION_STRING, "BlobEndpoint=http://127.0.0.1:1/acct;"
                + "SharedAccessSignature=" + SAS, AzureSettings.ENDPOINT, "http://127.0.0.1:2/acct"),
                AzureSettings.ENDPOINT);
        ConfigurationException https = assertThrows(ConfigurationException.class, () -> provider.open(
                URI.create("https://acct.blob.core.windows.net/c01"), Map.of(AzureSettings.ACCOUNT_NAME, "other",
                        AzureSettings.ACCOUNT_KEY, KEY)));
        assertTrue(https.getMessage().contains("'other'") && https.getMessage().contains("'acct'"), https.getMessage());
        ConfigurationException endpoint = assertThrows(ConfigurationException.class, () -> provider.open(
                URI.create("https://acct.blob.core.windows.net/c01"), Map.of(AzureSettings.ENDPOINT,
                        "https://x.example", AzureSettings.ACCOUNT_KEY, KEY)));
        assertTrue(endpoint.getMessage().contains(AzureSettings.ENDPOINT), endpoint.getMessage());
    }

    @Test
    void missingAccountNamesTheSettingsToGive() {
        ConfigurationException e = refused(Map.of(AzureSettings.ACCOUNT_KEY, KEY));
        for (String name : List.of(AzureSettings.ACCOUNT_NAME, AzureSettings.CONNECTION_STRING, "AZURE_STORAGE_ACCOUNT")) {
            assertTrue(e.getMessage().contains(name), name + " in " + e.getMessage());
        }
    }

    @Test
    void missingCredentialsWithoutAzureIdentityNameTheSettingsToGive() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("com.azure.identity.DefaultAzureCredentialBuilder"),
                "this test expects azure-identity to be absent from the test class path");
        ConfigurationException e = refused(Map.of(AzureSettings.ACCOUNT_NAME, "acct"));
        for (String name : List.of(AzureSettings.ACCOUNT_KEY, AzureSettings.SAS_TOKEN, AzureSettings.CONNECTION_STRING,
                "azure-identity")) {
            assertTrue(e.getMessage().contains(name), name + " in " + e.getMessage());
        }
    }

    @Test
    void propertiesHideSecrets() {
        AzureProperties p = AzureProperties.parse("test", Map.of(AzureSettings.ACCOUNT_NAME, "acct",
                AzureSettings.ACCOUNT_KEY, KEY, AzureSettings.CONNECTION_STRING, "AccountName=acct;AccountKey=" + KEY));
        assertFalse(p.toString().contains(KEY), p.toString());
        assertEquals(AzureSettings.BLOCK_SIZE_DEFAULT, p.blockSize());
        assertEquals(AzureSettings.UPLOAD_CONCURRENCY_DEFAULT, p.uploadConcurrency());
        AzureProperties q = AzureProperties.parse("test", Map.of(AzureSettings.SAS_TOKEN, "?" + SAS,
                AzureSettings.BLOCK_SIZE, " 65536 ", AzureSettings.UPLOAD_CONCURRENCY, "3", AzureSettings.ACCOUNT_KEY,
                ""));
        assertEquals(SAS, q.sasToken());
        assertEquals(65536, q.blockSize());
        assertEquals(3, q.uploadConcurrency());
        assertFalse(q.toString().contains("sig="), q.toString());
    }

    private ConfigurationException refused(Map<String, String> settings) {
        return assertThrows(ConfigurationException.class, () -> provider.open(LOCATION, settings));
    }

    private void assertNamed(Map<String, String> settings, String expected) {
        ConfigurationException e = refused(settings);
        assertTrue(e.getMessage().contains(expected), expected + " in " + e.getMessage());
        assertTrue(e.getMessage().contains(LOCATION.toString()), e.getMessage());
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new HashMap<>(base);
        m.put(key, value);
        return m;
    }
}
