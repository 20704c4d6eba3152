package io.walkeeper.cli;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import io.walkeeper.storage.azure.AzuriteExtension;
import io.walkeeper.storage.azure.AzuriteServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI against cloud storage on loopback, configured the way the seeds configure WAL-G: S3
 * through S3Mock with {@code WALG_S3_PREFIX}, {@code AWS_ENDPOINT} and
 * {@code AWS_S3_FORCE_PATH_STYLE} (as for MinIO), and Azure Blob through Azurite with
 * {@code WALG_AZ_PREFIX} and a connection string. Each runs archive, full and delta backup and
 * point-in-time recovery with real PostgreSQL and compares the data at the target; a missing
 * bucket or container and a wrong key each fail at once with a message that names them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudStorageIT {
    @RegisterExtension
    static final S3MockExtension S3_MOCK = S3MockExtension.builder().withHttpPort(0).withSecureConnection(false)
            .silent().build();

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private Path work;
    private CliHarness cli;

    @BeforeAll
    void setUp() throws IOException {
        work = Files.createTempDirectory("walkeeper-cloud-it");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        cli = new CliHarness(work.resolve("cli"));
    }

    @AfterAll
    void cleanUp() throws IOException {
        ArchiveBackupPitrIT.deleteTree(work);
    }

    @Test
    void archiveBackupAndPointInTimeRecoveryOnS3() throws Exception {
        try (S3Client s3 = s3Client()) {
            s3.createBucket(b -> b.bucket("pg-backups"));
            CloudRoundTrip.run(work.resolve("s3"), cli, s3Settings("s3://pg-backups/cluster-a"));

            List<String> keys = s3.listObjectsV2Paginator(b -> b.bucket("pg-backups")).contents().stream()
                    .map(S3Object::key).toList();
            assertTrue(keys.stream().anyMatch(k -> k.startsWith("cluster-a/wal/")), keys.toString());
            assertTrue(keys.stream().anyMatch(k -> k.startsWith("cluster-a/backups/") && k.endsWith(".json")), keys.toString());
            assertTrue(keys.stream().allMatch(k -> k.startsWith("cluster-a/")), "objects outside the prefix: " + keys);
        }
    }

    @Test
    void archiveBackupAndPointInTimeRecoveryOnAzure() throws Exception {
        AzuriteServer azurite = AZURITE.server();
        String container = azurite.newContainer();
        CloudRoundTrip.run(work.resolve("azure"), cli, azureSettings("azure://" + container + "/cluster-b",
                azurite.connectionString()));

        List<String> names = azurite.serviceClient().getBlobContainerClient(container).listBlobs().stream()
                .map(b -> b.getName()).toList();
        assertTrue(names.stream().anyMatch(n -> n.startsWith("cluster-b/wal/")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("cluster-b/backups/") && n.endsWith(".json")), names.toString());
    }

    @Test
    void aMissingBucketIsNamedAtOnce() throws Exception {
        CliHarness.Result list = runWith(s3Settings("s3://no-such-bucket/pg"), "backup-list");
        assertNotEquals(0, list.exitCode(), list.toString());
        assertTrue(list.stderr().contains("no-such-bucket"), list.toString());
        assertTrue(list.stderr().toLowerCase().contains("does not exist"), list.toString());
        assertNoRetries(list);
    }

    @Test
    void aMissingContainerIsNamedAtOnce() throws Exception {
        CliHarness.Result list = runWith(azureSettings("azure://no-such-container/pg", AZURITE.server().connectionString()),
                "backup-list");
        assertNotEquals(0, list.exitCode(), list.toString());
        assertTrue(list.stderr().contains("no-such-container"), list.toString());
        assertTrue(list.stderr().toLowerCase().contains("does not exist"), list.toString());
        assertNoRetries(list);
    }

    @Test
    void aWrongAccountKeyIsReportedAtOnce() throws Exception {
        AzuriteServer azurite = AZURITE.server();
        String container = azurite.newContainer();
        String wrongKey = Base64.getEncoder().encodeToString(new byte[64]);
        String connection = azurite.connectionString().replace(AzuriteServer.KEY, wrongKey);
        assertNotEquals(azurite.connectionString(), connection);
        CliHarness.Result list = runWith(azureSettings("azure://" + container + "/pg", connection), "backup-list");
        assertNotEquals(0, list.exitCode(), list.toString());
        String err = list.stderr();
        assertTrue(err.contains(container), list.toString());
        assertTrue(err.contains("403") || err.toLowerCase().contains("credential") || err.toLowerCase().contains("key"),
                list.toString());
        assertNoRetries(list);
    }

    /**
     * An account name without a key, SAS or connection string signs in with DefaultAzureCredential
     * (the CLI carries azure-identity); where no identity is to be had, that is said at once.
     * The managed-identity endpoint is pointed at a closed loopback port so that the test does not
     * depend on the network it runs in.
     */
    @Test
    void noAzureIdentityIsReportedAtOnce() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("WALG_AZ_PREFIX", "azure://pg-backups/cluster-c");
        settings.put("AZURE_STORAGE_ACCOUNT", "walkeepernokey");
        cli.env("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:9");
        CliHarness.Result list = runWith(settings, "backup-list");
        assertNotEquals(0, list.exitCode(), list.toString());
        assertTrue(list.stderr().contains("signing in to account 'walkeepernokey' with DefaultAzureCredential failed"),
                list.toString());
        assertTrue(list.stderr().contains("AZURE_STORAGE_ACCESS_KEY") || list.stderr().contains("azure.account-key"),
                list.toString());
        assertFalse(list.stderr().contains("AccessTokenCache"), "the SDK's own log lines: " + list);
        assertNoRetries(list);
    }

    /** A non-retryable failure is reported after its first attempt: no "gave up after N attempts". */
    private static void assertNoRetries(CliHarness.Result result) {
        System.out.println("CloudStorageIT: " + result.stderr().strip());
        assertFalse(result.stderr().matches("(?s).*gave up after [2-9]\\d* attempts.*"), "retried: " + result);
        assertFalse(result.stderr().contains("Exception:") && result.stderr().contains("\tat "),
                "a stack trace instead of a message: " + result);
    }

    private CliHarness.Result runWith(Map<String, String> settings, String... args) throws Exception {
        Path dir = Files.createTempDirectory(work, "config");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = dir.resolve("walkeeper.json");
        StringBuilder json = new StringBuilder("{");
        settings.forEach((k, v) -> json.append(json.length() > 1 ? ",\n" : "\n").append('"').append(k).append("\": \"")
                .append(v).append('"'));
        Files.writeString(config, json.append("\n}\n"));
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = config.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return cli.run(all);
    }

    private static Map<String, String> s3Settings(String prefix) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("WALG_S3_PREFIX", prefix);
        settings.put("AWS_ENDPOINT", S3_MOCK.getServiceEndpoint());
        settings.put("AWS_S3_FORCE_PATH_STYLE", "true");
        settings.put("AWS_REGION", "us-east-1");
        settings.put("AWS_ACCESS_KEY_ID", "walkeeper-test");
        settings.put("AWS_SECRET_ACCESS_KEY", "walkeeper-test-secret");
        settings.put("WALG_COMPRESSION_METHOD", "lz4");
        return settings;
    }

    private static Map<String, String> azureSettings(String prefix, String connectionString) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("WALG_AZ_PREFIX", prefix);
        settings.put("AZURE_STORAGE_CONNECTION_STRING", connectionString);
        settings.put("WALG_COMPRESSION_METHOD", "zstd");
        return settings;
    }

    private static S3Client s3Client() {
        return S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder())
                .endpointOverride(URI.create(S3_MOCK.getServiceEndpoint()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .build();
    }
}
