package io.walkeeper.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.StorageProvider;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Finding the provider, parsing {@code s3:} URIs and checking the settings; no server needed. */
class S3StorageProviderTest {
    private static final URI LOCATION = URI.create("s3://bucket/pg");
    private static final String SECRET = "wJalrXUtnFEMI-not-a-real-secret";

    private static Map<String, String> settings(String... pairs) {
        Map<String, String> settings = new HashMap<>();
        settings.put(S3Settings.ENDPOINT, "http://127.0.0.1:9000");
        for (int i = 0; i < pairs.length; i += 2) {
            settings.put(pairs[i], pairs[i + 1]);
        }
        return settings;
    }

    @Test
    void isFoundByServiceLoaderForS3Scheme() {
        List<StorageProvider> providers = ServiceLoader.load(StorageProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.supports(URI.create("s3://bucket/prefix")))
                .collect(Collectors.toList());
        assertEquals(1, providers.size());
        assertInstanceOf(S3StorageProvider.class, providers.get(0));
        assertEquals(Set.of("s3"), providers.get(0).schemes());
        assertFalse(providers.get(0).supports(URI.create("gs://bucket")));
    }

    @Test
    void parsesBucketAndPrefix() {
        assertEquals(new S3Location("bucket", ""), S3Location.parse(URI.create("s3://bucket")));
        assertEquals(new S3Location("bucket", ""), S3Location.parse(URI.create("s3://bucket/")));
        assertEquals(new S3Location("bucket", "a/b"), S3Location.parse(URI.create("s3://bucket/a/b/")));
        assertEquals(new S3Location("my.bucket_1", "my repo"), S3Location.parse(URI.create("S3://my.bucket_1/my%20repo")));
        assertEquals("a/b/k", new S3Location("bucket", "a/b").toS3Key("k"));
        assertEquals("k", new S3Location("bucket", "").toS3Key("k"));
        assertEquals(URI.create("s3://bucket/my%20repo"), new S3Location("bucket", "my repo").toUri());
        assertEquals(URI.create("s3://bucket"), new S3Location("bucket", "").toUri());
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3:bucket", "s3:///prefix", "s3://user:pw@bucket/p", "s3://bucket:9000/p",
            "s3://bucket/p?region=x", "s3://bucket/p#f", "s3://bucket/a//b", "s3://bucket/a/../b", "gs://bucket/p",
            "s3://-bucket/p"})
    void rejectsMalformedLocations(String uri) {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> new S3StorageProvider().open(URI.create(uri), settings()));
        assertTrue(e.getMessage().contains(io.walkeeper.spi.Redaction.text(uri)), e.getMessage());
        // user information and query values never reach a message
        assertFalse(e.getMessage().contains("pw@") || e.getMessage().contains("region=x"), e.getMessage());
    }

    @Test
    void rejectsUnknownS3KeysAndKeysOfOtherNamespaces() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> S3Properties.parse(LOCATION, settings("s3.bogus", "1", "s3.regoin", "eu-west-1")));
        assertTrue(e.getMessage().contains("s3.bogus") && e.getMessage().contains("s3.regoin"), e.getMessage());
        // a setting meant for another store (a GCS key given to S3) is a misconfiguration, never silently dropped
        ConfigurationException other = assertThrows(ConfigurationException.class,
                () -> S3Properties.parse(LOCATION, settings("gcs.project-id", "x", "s3", "no namespace")));
        assertTrue(other.getMessage().contains("gcs.project-id") && other.getMessage().contains("[gcs.project-id, s3]"),
                other.getMessage());
        S3Properties p = S3Properties.parse(LOCATION, settings("storage.max-attempts", "5"));
        assertEquals(S3Settings.PART_SIZE_DEFAULT, p.partSize());
    }

    @ParameterizedTest
    @CsvSource({
            "s3.endpoint, ftp://127.0.0.1:9000",
            "s3.endpoint, 127.0.0.1:9000",
            "s3.endpoint, http://",
            "s3.region, 'Europe West'",
            "s3.path-style, yes",
            "s3.sse, aws:kms:dsse",
            "s3.sse, AES",
            "s3.storage-class, COLD",
            "s3.part-size, 5242879",
            "s3.part-size, 16MiB",
            "s3.part-size, 1073741825",
            "s3.upload-concurrency, 0",
            "s3.upload-concurrency, 65",
            "s3.conditional-writes, maybe",
            "s3.max-connections, -1",
            "s3.max-connections, many"})
    void rejectsMalformedValuesNamingTheKey(String key, String value) {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> new S3StorageProvider().open(LOCATION, settings(key, value)));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void credentialsComeInPairsAndNeverAppearInMessages() {
        for (Map<String, String> bad : List.of(
                settings(S3Settings.ACCESS_KEY_ID, "AKIAFAKEKEYID"),
                settings(S3Settings.SECRET_ACCESS_KEY, SECRET),
                settings(S3Settings.SESSION_TOKEN, SECRET),
                settings(S3Settings.SECRET_ACCESS_KEY, SECRET, "s3.bogus", "x"))) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> new S3StorageProvider().open(LOCATION, bad));
            assertFalse(e.getMessage().contains(SECRET), e.getMessage());
            assertFalse(e.getMessage().contains("AKIAFAKEKEYID"), e.getMessage());
        }
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> new S3StorageProvider()
                .open(LOCATION, settings(S3Settings.ENDPOINT, "http://user:" + SECRET + "@127.0.0.1:9000")));
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());

        S3Properties p = S3Properties.parse(LOCATION, settings(S3Settings.ACCESS_KEY_ID, "AKIAFAKEKEYID",
                S3Settings.SECRET_ACCESS_KEY, SECRET, S3Settings.SESSION_TOKEN, "token-" + SECRET));
        assertFalse(p.toString().contains(SECRET), p.toString());
        assertFalse(p.toString().contains("AKIAFAKEKEYID"), p.toString());
    }

    @Test
    void kmsKeyNeedsKmsEncryption() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> S3Properties.parse(LOCATION,
                settings(S3Settings.SSE, "AES256", S3Settings.SSE_KMS_KEY_ID, "alias/k")));
        assertTrue(e.getMessage().contains(S3Settings.SSE_KMS_KEY_ID), e.getMessage());
        S3Properties p = S3Properties.parse(LOCATION, settings(S3Settings.SSE, "aws:kms",
                S3Settings.SSE_KMS_KEY_ID, "alias/k"));
        assertEquals("aws:kms", p.sse());
        assertEquals("alias/k", p.sseKmsKeyId());
        assertNull(S3Properties.parse(LOCATION, settings(S3Settings.SSE, "none")).sse());
    }

    @Test
    void defaults() {
        S3Properties p = S3Properties.parse(LOCATION, settings());
        assertEquals("us-east-1", p.region(), "the default region with an endpoint");
        assertTrue(p.pathStyle(), "path style for an IP address endpoint");
        assertEquals(16 << 20, p.partSize());
        assertEquals(4, p.uploadConcurrency());
        assertTrue(p.conditionalWrites());
        assertEquals(50, p.maxConnections());
        assertNull(p.sse());
        assertNull(p.storageClass());
        assertFalse(p.hasStaticCredentials());

        S3Properties named = S3Properties.parse(LOCATION, settings(S3Settings.ENDPOINT, "https://minio.example.com",
                S3Settings.REGION, "eu-west-1"));
        assertFalse(named.pathStyle(), "virtual-hosted addressing for a host name");
        assertEquals("eu-west-1", named.region());

        S3Properties aws = S3Properties.parse(LOCATION, Map.of());
        assertNull(aws.endpoint());
        assertNull(aws.region(), "the SDK's region chain");
        assertFalse(aws.pathStyle());

        S3Properties blank = S3Properties.parse(LOCATION, Map.of(S3Settings.ENDPOINT, " ", S3Settings.REGION, ""));
        assertNull(blank.endpoint(), "a blank value counts as not set");
    }

    @Test
    void acceptsEveryDocumentedValue() throws Exception {
        Map<String, String> all = settings(
                S3Settings.ENDPOINT, "http://localhost:9000",
                S3Settings.REGION, "eu-central-1",
                S3Settings.PATH_STYLE, "FALSE",
                S3Settings.ACCESS_KEY_ID, "AKIAFAKEKEYID",
                S3Settings.SECRET_ACCESS_KEY, SECRET,
                S3Settings.SESSION_TOKEN, "token",
                S3Settings.SSE, "aws:kms",
                S3Settings.SSE_KMS_KEY_ID, "arn:aws:kms:eu-central-1:111122223333:key/abc",
                S3Settings.STORAGE_CLASS, "STANDARD_IA",
                S3Settings.PART_SIZE, String.valueOf(64 << 20),
                S3Settings.UPLOAD_CONCURRENCY, "8",
                S3Settings.CONDITIONAL_WRITES, "false",
                S3Settings.MAX_CONNECTIONS, "200");
        try (BlobStore store = new S3StorageProvider().open(URI.create("s3://bucket/a/b"), all)) {
            assertEquals(URI.create("s3://bucket/a/b"), store.location());
            assertFalse(store.toString().contains(SECRET), store.toString());
        }
        S3Properties p = S3Properties.parse(LOCATION, all);
        assertFalse(p.pathStyle());
        assertEquals(64 << 20, p.partSize());
        assertEquals(8, p.uploadConcurrency());
        assertFalse(p.conditionalWrites());
        assertEquals(200, p.maxConnections());
        assertEquals("STANDARD_IA", p.storageClass());
    }
}
