package io.walkeeper.cli;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.DeltaOrigin;
import io.walkeeper.core.PgConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliConfigurationTest {
    @TempDir
    Path dir;

    private HostEnvironment host(Map<String, String> env) {
        return new HostEnvironment(env, dir.resolve("home"), "alice", Launcher.script(Path.of("/opt/wk/bin/walkeeper")));
    }

    private Path file(String name, String json) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, json);
        return f;
    }

    @Test
    void environmentAloneConfiguresEverything() {
        CliConfiguration c = CliConfiguration.load(null, host(Map.of("WALKEEPER_STORAGE", "file:///var/backups/pg",
                "WALKEEPER_COMPRESSION", "ZSTD", "WALKEEPER_CONCURRENCY", "4", "WALKEEPER_PART_SIZE", "64MB",
                "WALKEEPER_WAL_ARCHIVE_TIMEOUT", "90", "WALKEEPER_LOG_LEVEL", "DEBUG", "WALKEEPER_DELTA_MAX_STEPS", "6")));
        assertEquals(URI.create("file:///var/backups/pg"), c.storage());
        assertEquals("zstd", c.compression());
        assertEquals(4, c.concurrency().getAsInt());
        assertEquals(64L << 20, c.partSize().getAsLong());
        assertEquals(Duration.ofSeconds(90), c.walArchiveTimeout().orElseThrow());
        assertEquals("debug", c.logLevel());
        assertEquals(6, c.deltaMaxSteps().getAsInt());
        assertEquals(Optional.empty(), c.file());
        assertEquals(Map.of(), c.storageSettings(c.storage()));
    }

    @Test
    void defaultsWithoutSettings() {
        CliConfiguration c = CliConfiguration.load(null, host(Map.of()));
        assertEquals("lz4", c.compression());
        assertEquals("info", c.logLevel());
        assertFalse(c.hasLogLevel());
        assertTrue(c.concurrency().isEmpty());
        ConfigurationException e = assertThrows(ConfigurationException.class, c::storage);
        assertTrue(e.getMessage().contains("WALKEEPER_STORAGE"), e.getMessage());
    }

    @Test
    void deltaSettingsFromWalkeeperAndWalgKeys() throws IOException {
        CliConfiguration none = CliConfiguration.load(null, host(Map.of()));
        assertTrue(none.deltaMaxSteps().isEmpty());
        assertEquals(Optional.empty(), none.deltaOrigin());

        CliConfiguration walg = CliConfiguration.load(null, host(Map.of("WALG_DELTA_MAX_STEPS", "5",
                "WALG_DELTA_ORIGIN", "LATEST_FULL")));
        assertEquals(5, walg.deltaMaxSteps().getAsInt());
        assertEquals(Optional.of(DeltaOrigin.LATEST_FULL), walg.deltaOrigin());

        CliConfiguration both = CliConfiguration.load(null, host(Map.of("WALG_DELTA_MAX_STEPS", "5",
                "WALKEEPER_DELTA_MAX_STEPS", "0", "WALG_DELTA_ORIGIN", "LATEST_FULL", "WALKEEPER_DELTA_ORIGIN", " latest ")));
        assertEquals(0, both.deltaMaxSteps().getAsInt(), "WALKEEPER_* wins over WALG_*");
        assertEquals(Optional.of(DeltaOrigin.LATEST), both.deltaOrigin(), "case and surrounding blanks do not matter");

        Path f = file("delta.json", "{\"WALG_DELTA_MAX_STEPS\": 3, \"WALG_DELTA_ORIGIN\": \"latest_full\"}");
        CliConfiguration fromFile = CliConfiguration.load(f, host(Map.of("WALKEEPER_DELTA_ORIGIN", "LATEST")));
        assertEquals(3, fromFile.deltaMaxSteps().getAsInt());
        assertEquals(Optional.of(DeltaOrigin.LATEST), fromFile.deltaOrigin(), "the environment overrides the file");
        assertTrue(fromFile.notes().stream().noneMatch(n -> n.contains("DELTA")), fromFile.notes().toString());
        assertTrue(CliConfiguration.knownKeys().containsAll(List.of("WALKEEPER_DELTA_MAX_STEPS", "WALG_DELTA_MAX_STEPS",
                "WALKEEPER_DELTA_ORIGIN", "WALG_DELTA_ORIGIN")));
    }

    @Test
    void badDeltaSettingsNameTheKeyAndTheAllowedValues() throws IOException {
        for (String bad : List.of("LATEST_DELTA", "latest full", "2")) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> CliConfiguration.load(null, host(Map.of("WALKEEPER_DELTA_ORIGIN", bad))).deltaOrigin(), bad);
            assertTrue(e.getMessage().contains("environment variable WALKEEPER_DELTA_ORIGIN '" + bad + "'")
                    && e.getMessage().contains("LATEST") && e.getMessage().contains("LATEST_FULL"), e.getMessage());
        }
        Path f = file("bad-delta.json", "{\"WALG_DELTA_ORIGIN\": \"FIRST\", \"WALG_DELTA_MAX_STEPS\": \"-1\"}");
        CliConfiguration c = CliConfiguration.load(f, host(Map.of()));
        ConfigurationException e = assertThrows(ConfigurationException.class, c::deltaOrigin);
        assertTrue(e.getMessage().contains("WALG_DELTA_ORIGIN in " + f) && e.getMessage().contains("LATEST_FULL"),
                e.getMessage());
        e = assertThrows(ConfigurationException.class, c::deltaMaxSteps);
        assertTrue(e.getMessage().contains("WALG_DELTA_MAX_STEPS in " + f) && e.getMessage().contains("0 to 1000"),
                e.getMessage());
        e = assertThrows(ConfigurationException.class,
                () -> CliConfiguration.load(null, host(Map.of("WALG_DELTA_MAX_STEPS", "many"))).deltaMaxSteps());
        assertTrue(e.getMessage().contains("environment variable WALG_DELTA_MAX_STEPS 'many'"), e.getMessage());
    }

    @Test
    void partSizeSuffixes() {
        assertEquals(1048576L, partSize("1048576"));
        assertEquals(512L << 10, partSize("512KB"));
        assertEquals(256L << 20, partSize("256 MiB"));
        assertEquals(2L << 30, partSize("2gb"));
        assertEquals(3L << 20, partSize("3M"));
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> partSize("12XB"));
        assertTrue(e.getMessage().contains("environment variable WALKEEPER_PART_SIZE '12XB'"), e.getMessage());
    }

    private long partSize(String text) {
        return CliConfiguration.load(null, host(Map.of("WALKEEPER_PART_SIZE", text))).partSize().getAsLong();
    }

    @Test
    void walgFileIsAcceptedAsIs() throws IOException {
        Path walg = file(".walg.json", """
                {
                  "WALG_FILE_PREFIX": "/mnt/backups/pg main",
                  "WALG_COMPRESSION_METHOD": "lzma",
                  "WALG_DELTA_MAX_STEPS": 7,
                  "WALG_UPLOAD_CONCURRENCY": "3",
                  "WALG_PREVENT_WAL_OVERWRITE": true,
                  "WALG_TAR_SIZE_THRESHOLD": 1073741823,
                  "PGDATA": "/var/lib/postgresql/15/main",
                  "PGHOST": "/var/run/postgresql",
                  "PGPORT": 5433,
                  "PGUSER": "backup",
                  "PGPASSWORD": "s3cret"
                }
                """);
        CliConfiguration c = CliConfiguration.load(walg, host(Map.of()));
        assertEquals(URI.create("file:///mnt/backups/pg%20main"), c.storage());
        assertEquals("/mnt/backups/pg main", Path.of(c.storage()).toString());
        assertEquals("xz", c.compression());
        assertEquals(7, c.deltaMaxSteps().getAsInt());
        assertEquals(3, c.concurrency().getAsInt());
        assertEquals(Path.of("/var/lib/postgresql/15/main"), c.pgData().orElseThrow());
        assertEquals(new PgConnection("/var/run/postgresql", 5433, "backup", "s3cret", "postgres"), c.pgConnection("alice"));
        assertTrue(c.pgHostNote().isEmpty(), "PGHOST names the socket directory, which is used as is");
        assertEquals(Optional.of(walg.toAbsolutePath()), c.file());
        assertTrue(c.warnings().stream().anyMatch(n -> n.contains("WALG_PREVENT_WAL_OVERWRITE")), c.warnings().toString());
        assertTrue(c.warnings().stream().anyMatch(n -> n.contains("WALG_TAR_SIZE_THRESHOLD")), c.warnings().toString());
        assertTrue(c.warnings().stream().noneMatch(n -> n.contains("s3cret")), c.warnings().toString());
        assertTrue(c.notes().stream().noneMatch(n -> n.contains("s3cret")), c.notes().toString());
    }

    @Test
    void walgS3ConfigMapsAwsKeysToStorageSettings() throws IOException {
        Path walg = file("walg.json", """
                {"WALG_S3_PREFIX": "s3://bucket/cluster-a", "AWS_ENDPOINT": "http://127.0.0.1:9000",
                 "AWS_REGION": "eu-west-1", "AWS_S3_FORCE_PATH_STYLE": "true",
                 "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "shh", "s3.sse": "AES256", "gcs.project-id": "x"}
                """);
        CliConfiguration c = CliConfiguration.load(walg, host(Map.of()));
        URI storage = c.storage();
        assertEquals(URI.create("s3://bucket/cluster-a"), storage);
        assertEquals(Map.of("s3.endpoint", "http://127.0.0.1:9000", "s3.region", "eu-west-1", "s3.path-style", "true",
                "s3.access-key-id", "AKIA", "s3.secret-access-key", "shh", "s3.sse", "AES256"), c.storageSettings(storage));
    }

    @Test
    void azureGcsAndSharedStorageSettingsAreMapped() {
        CliConfiguration az = CliConfiguration.load(null, host(Map.of("WALG_AZ_PREFIX", "azure://container/pg",
                "AZURE_STORAGE_ACCOUNT", "acct", "AZURE_STORAGE_ACCESS_KEY", "k3y",
                "AZURE_STORAGE_CONNECTION_STRING", "BlobEndpoint=http://127.0.0.1:10000/acct;AccountName=acct",
                "WALG_NETWORK_RATE_LIMIT", "1000000", "WALKEEPER_DOWNLOAD_CONCURRENCY", "3", "AWS_REGION", "ignored")));
        assertEquals(Map.of("azure.account-name", "acct", "azure.account-key", "k3y",
                "azure.connection-string", "BlobEndpoint=http://127.0.0.1:10000/acct;AccountName=acct",
                "storage.max-bytes-per-second", "1000000", "storage.download-concurrency", "3"),
                az.storageSettings(az.storage()));
        assertTrue(az.secretsFromEnvironment().containsAll(List.of("AZURE_STORAGE_ACCESS_KEY", "AZURE_STORAGE_CONNECTION_STRING")));
        assertFalse(az.walFetchEnvironment().containsKey("AZURE_STORAGE_ACCESS_KEY"), "secrets never go into restore_command");
        assertEquals("acct", az.walFetchEnvironment().get("AZURE_STORAGE_ACCOUNT"));

        CliConfiguration gs = CliConfiguration.load(null, host(Map.of("WALG_GS_PREFIX", "gs://bucket/pg",
                "GOOGLE_APPLICATION_CREDENTIALS", "/etc/walkeeper/sa.json", "WALKEEPER_STORAGE_MAX_ATTEMPTS", "7")));
        assertEquals(Map.of("gcs.credentials-file", "/etc/walkeeper/sa.json", "storage.retry.max-attempts", "7"),
                gs.storageSettings(gs.storage()));
        assertThrows(ConfigurationException.class, () -> CliConfiguration.load(null, host(Map.of(
                "WALKEEPER_STORAGE", "file:///x", "WALKEEPER_NETWORK_RATE_LIMIT", "fast"))).storageSettings(URI.create("file:///x")));
    }

    @Test
    void providerDeclarationsDecideWhichVariablesAreMappedAndWhichAreSecret() {
        CliConfiguration s3 = CliConfiguration.load(null, host(Map.of("WALKEEPER_STORAGE", "s3://b/p",
                "AWS_ACCESS_KEY_ID", "AKIA", "AWS_SECRET_ACCESS_KEY", "shh", "AWS_SESSION_TOKEN", "tok",
                "AWS_S3_FORCE_PATH_STYLE", "yes")));
        assertEquals(Map.of("s3.access-key-id", "AKIA", "s3.secret-access-key", "shh", "s3.session-token", "tok",
                "s3.path-style", "true"), s3.storageSettings(s3.storage()));
        assertTrue(s3.secretsFromEnvironment().contains("AWS_SESSION_TOKEN"));
        assertTrue(CliConfiguration.isSecret("AWS_SESSION_TOKEN") && CliConfiguration.isSecret("s3.session-token"));

        CliConfiguration az = CliConfiguration.load(null, host(Map.of("WALKEEPER_STORAGE", "azure://c/p",
                "AZURE_STORAGE_KEY", "a2V5", "AZURE_STORAGE_ACCESS_KEY", "d2lucw==")));
        assertEquals("d2lucw==", az.storageSettings(az.storage()).get("azure.account-key"),
                "the first variable a setting declares wins over its alias");

        ConfigurationException e = assertThrows(ConfigurationException.class, () -> CliConfiguration.load(null,
                host(Map.of("WALKEEPER_STORAGE", "s3://b/p", "AWS_ENDPOINT", "ftp://host"))).storageSettings(URI.create("s3://b/p")));
        assertTrue(e.getMessage().contains("environment variable AWS_ENDPOINT 'ftp://host'"), e.getMessage());

        CliConfiguration pgp = CliConfiguration.load(null, host(Map.of("WALKEEPER_STORAGE", "file:///x",
                "WALG_PGP_KEY_PATH", "/etc/wk/walg.asc", "WALKEEPER_PGP_KEY_PATH", "/etc/wk/own.asc",
                "WALKEEPER_PGP_PASSPHRASE", "pw")));
        CliConfiguration.Encryption enc = pgp.encryption().orElseThrow();
        assertEquals("openpgp", enc.provider());
        assertEquals(Map.of("openpgp.private-key-path", "/etc/wk/own.asc", "openpgp.passphrase", "pw"), enc.settings());
        assertEquals("/etc/wk/own.asc", pgp.walFetchEnvironment().get("WALKEEPER_PGP_KEY_PATH"));
        assertFalse(pgp.walFetchEnvironment().containsKey("WALKEEPER_PGP_PASSPHRASE"));
        assertEquals(Optional.empty(), CliConfiguration.load(null, host(Map.of())).encryption());
    }

    @Test
    void otherWalgPrefixes() {
        assertEquals(URI.create("azure://container/pg"),
                CliConfiguration.load(null, host(Map.of("WALG_AZ_PREFIX", "azure://container/pg"))).storage());
        assertEquals(URI.create("gs://bucket/pg"),
                CliConfiguration.load(null, host(Map.of("WALG_GS_PREFIX", "gs://bucket/pg"))).storage());
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> CliConfiguration.load(null, host(Map.of("WALG_S3_PREFIX", "gs://bucket/pg"))).storage());
        assertTrue(e.getMessage().contains("s3://"), e.getMessage());
        e = assertThrows(ConfigurationException.class,
                () -> CliConfiguration.load(null, host(Map.of("WALG_FILE_PREFIX", "relative/dir"))).storage());
        assertTrue(e.getMessage().contains("absolute"), e.getMessage());
    }

    @Test
    void environmentOverridesFileAndWalkeeperKeysWinOverWalg() throws IOException {
        Path f = file("both.json", """
                {"WALKEEPER_STORAGE": "file:///from/file", "WALG_FILE_PREFIX": "/from/walg",
                 "WALKEEPER_COMPRESSION": "zstd", "WALG_COMPRESSION_METHOD": "brotli", "PGPORT": "6000"}
                """);
        CliConfiguration fileOnly = CliConfiguration.load(f, host(Map.of()));
        assertEquals(URI.create("file:///from/file"), fileOnly.storage());
        assertEquals("zstd", fileOnly.compression());

        CliConfiguration withEnv = CliConfiguration.load(f, host(Map.of("WALKEEPER_STORAGE", "file:///from/env",
                "WALG_COMPRESSION_METHOD", "brotli", "PGPORT", "7000")));
        assertEquals(URI.create("file:///from/env"), withEnv.storage());
        assertEquals("brotli", withEnv.compression());
        assertEquals(7000, withEnv.pgConnection("alice").port());
    }

    @Test
    void fileDiscovery() throws IOException {
        Files.createDirectories(dir.resolve("home"));
        Path home = Files.writeString(dir.resolve("home").resolve(".walkeeper.json"), "{\"WALKEEPER_STORAGE\": \"file:///home\"}");
        Path named = file("named.json", "{\"WALKEEPER_STORAGE\": \"file:///named\"}");
        Path given = file("given.json", "{\"WALKEEPER_STORAGE\": \"file:///given\"}");

        assertEquals(home, CliConfiguration.load(null, host(Map.of())).file().orElseThrow());
        assertEquals(named, CliConfiguration.load(null, host(Map.of("WALKEEPER_CONFIG", named.toString()))).file().orElseThrow());
        CliConfiguration explicit = CliConfiguration.load(given, host(Map.of("WALKEEPER_CONFIG", named.toString())));
        assertEquals(URI.create("file:///given"), explicit.storage());

        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> CliConfiguration.load(null, host(Map.of("WALKEEPER_CONFIG", dir.resolve("nope.json").toString()))));
        assertTrue(e.getMessage().contains("nope.json") && e.getMessage().contains("WALKEEPER_CONFIG"), e.getMessage());
        e = assertThrows(ConfigurationException.class, () -> CliConfiguration.load(dir.resolve("missing.json"), host(Map.of())));
        assertTrue(e.getMessage().contains("missing.json") && e.getMessage().contains("--config"), e.getMessage());
    }

    @Test
    void malformedValuesNameTheKeyAndTheFile() throws IOException {
        Path f = file("bad.json", "{\"WALKEEPER_STORAGE\": \"file:///ok\", \"PGPORT\": \"54x\", \"WALKEEPER_CONCURRENCY\": 0}");
        CliConfiguration c = CliConfiguration.load(f, host(Map.of()));
        assertEquals(URI.create("file:///ok"), c.storage());
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> c.pgConnection("alice"));
        assertTrue(e.getMessage().contains("PGPORT in " + f) && e.getMessage().contains("54x"), e.getMessage());
        e = assertThrows(ConfigurationException.class, c::concurrency);
        assertTrue(e.getMessage().contains("WALKEEPER_CONCURRENCY in " + f), e.getMessage());

        for (String bad : List.of("not a uri", "/var/backups/pg", "file://host/dir", "file:relative")) {
            Path g = file("uri.json", "{\"WALKEEPER_STORAGE\": \"" + bad + "\"}");
            e = assertThrows(ConfigurationException.class, () -> CliConfiguration.load(g, host(Map.of())).storage(), bad);
            assertTrue(e.getMessage().contains("WALKEEPER_STORAGE in " + g), e.getMessage());
        }
        e = assertThrows(ConfigurationException.class,
                () -> CliConfiguration.load(null, host(Map.of("WALKEEPER_LOG_LEVEL", "loud"))).logLevel());
        assertTrue(e.getMessage().contains("environment variable WALKEEPER_LOG_LEVEL"), e.getMessage());
    }

    @Test
    void brokenFilesAreConfigurationErrors() throws IOException {
        for (String json : List.of("{\"WALKEEPER_STORAGE\": ", "[1, 2]", "{\"A\": 1, \"A\": 2}",
                "{\"WALKEEPER_STORAGE\": {\"nested\": true}}")) {
            Path f = file("broken.json", json);
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> CliConfiguration.load(f, host(Map.of())), json);
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        }
    }

    @Test
    void connectionDefaultsFollowLibpq() {
        CliConfiguration c = CliConfiguration.load(null, host(Map.of()));
        // no server socket exists on this port in the default directories, so libpq would use localhost
        CliConfiguration unusedPort = CliConfiguration.load(null, host(Map.of("PGPORT", "1")));
        assertEquals(new PgConnection("localhost", 1, "alice", null, "postgres"), unusedPort.pgConnection("alice"));
        assertTrue(c.pgHostNote().orElseThrow().contains("/var/run/postgresql"));
        CliConfiguration d = CliConfiguration.load(null, host(Map.of("PGHOST", "db.example", "PGDATABASE", "app",
                "PGUSER", "wk", "PGPASSWORD", " spaces kept ")));
        assertEquals(new PgConnection("db.example", 5432, "wk", " spaces kept ", "app"), d.pgConnection("alice"));
        assertTrue(d.pgHostNote().isEmpty());
    }

    @Test
    void walFetchEnvironmentCarriesOnlyNonSecretSettingsFromTheEnvironment() throws IOException {
        CliConfiguration envOnly = CliConfiguration.load(null, host(Map.of("WALG_FILE_PREFIX", "/x", "PGPASSWORD", "pw")));
        assertEquals(Map.of("WALKEEPER_STORAGE", "file:///x", "WALKEEPER_COMPRESSION", "lz4"), envOnly.walFetchEnvironment());

        CliConfiguration s3 = CliConfiguration.load(null, host(Map.of("WALKEEPER_STORAGE", "s3://b/p", "AWS_REGION", "eu",
                "AWS_ACCESS_KEY_ID", "AKIA", "AWS_SECRET_ACCESS_KEY", "shh")));
        assertEquals(Map.of("WALKEEPER_STORAGE", "s3://b/p", "WALKEEPER_COMPRESSION", "lz4", "AWS_REGION", "eu"),
                s3.walFetchEnvironment());
        assertEquals(List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"), s3.secretsFromEnvironment());

        Path f = file("cfg.json", "{\"WALKEEPER_STORAGE\": \"file:///in/file\", \"WALKEEPER_COMPRESSION\": \"zstd\"}");
        assertEquals(Map.of(), CliConfiguration.load(f, host(Map.of("PGPORT", "5433"))).walFetchEnvironment());
        assertEquals(Map.of("WALKEEPER_STORAGE", "file:///override"),
                CliConfiguration.load(f, host(Map.of("WALKEEPER_STORAGE", "file:///override"))).walFetchEnvironment());
    }

    @Test
    void secretsAreRecognised() {
        assertTrue(CliConfiguration.isSecret("PGPASSWORD"));
        assertTrue(CliConfiguration.isSecret("AWS_SECRET_ACCESS_KEY"));
        assertTrue(CliConfiguration.isSecret("s3.secret-access-key"));
        assertTrue(CliConfiguration.isSecret("s3.access-key-id"));
        assertFalse(CliConfiguration.isSecret("AWS_REGION"));
        assertFalse(CliConfiguration.isSecret("WALKEEPER_STORAGE"));
    }

    @Test
    void aWalgFileInTheHomeDirectoryIsReadWhenThereIsNoWalkeeperFile() throws Exception {
        Path home = java.nio.file.Files.createDirectories(dir.resolve("home"));
        java.nio.file.Files.writeString(home.resolve(".walg.json"), "{\"WALG_FILE_PREFIX\": \"/srv/walg\"}");
        assertEquals(URI.create("file:///srv/walg"), CliConfiguration.load(null, host(Map.of())).storage());
        java.nio.file.Files.writeString(home.resolve(".walkeeper.json"), "{\"WALKEEPER_STORAGE\": \"file:///srv/wk\"}");
        assertEquals(URI.create("file:///srv/wk"), CliConfiguration.load(null, host(Map.of())).storage(),
                "walkeeper's own file comes first");
    }

    @Test
    void aMisspeltWalkeeperKeyIsAnErrorNamingTheNearestKnownOne() throws IOException {
        ConfigurationException env = assertThrows(ConfigurationException.class, () -> CliConfiguration.load(null, host(Map.of(
                "WALKEEPER_STORAGE", "file:///var/backups/pg", "WALKEEPER_PGP_PUBLIC_KEYPATH", "/etc/wk/pub.asc"))));
        assertTrue(env.getMessage().contains("WALKEEPER_PGP_PUBLIC_KEYPATH") && env.getMessage().contains("environment")
                && env.getMessage().contains("WALKEEPER_PGP_PUBLIC_KEY_PATH"), env.getMessage());
        assertFalse(env.getMessage().contains("/etc/wk/pub.asc"), "values are not echoed: " + env.getMessage());

        Path f = file("typo.json", "{\"WALKEEPER_STORAGE\": \"file:///var/backups/pg\", \"WALKEEPER_COMPRESION\": \"zstd\"}");
        ConfigurationException inFile = assertThrows(ConfigurationException.class, () -> CliConfiguration.load(f, host(Map.of())));
        assertTrue(inFile.getMessage().contains("WALKEEPER_COMPRESION") && inFile.getMessage().contains(f.toString())
                && inFile.getMessage().contains("WALKEEPER_COMPRESSION"), inFile.getMessage());
    }

    @Test
    void aKeyInANamespaceNoProviderDeclaresIsAnErrorNamingTheNearestKey() throws IOException {
        Path f = file("namespace.json", "{\"WALKEEPER_STORAGE\": \"file:///var/backups/pg\", "
                + "\"opnpgp.public-key-path\": \"/etc/wk/pub.asc\"}");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> CliConfiguration.load(f, host(Map.of())));
        assertTrue(e.getMessage().contains("opnpgp.public-key-path") && e.getMessage().contains(f.toString())
                && e.getMessage().contains("openpgp.public-key-path") && e.getMessage().contains("s3."), e.getMessage());
        assertFalse(e.getMessage().contains("/etc/wk/pub.asc"), "values are not echoed: " + e.getMessage());
    }

    @Test
    void theChosenCodecsSettingsComeFromItsNamespaceAndOtherCodecsAreLeftAlone() throws IOException {
        Path f = file("codec.json", "{\"WALKEEPER_STORAGE\": \"file:///var/backups/pg\", \"WALKEEPER_COMPRESSION\": "
                + "\"zstd\", \"zstd.level\": \"9\", \"xz.preset\": \"2\"}");
        CliConfiguration c = CliConfiguration.load(f, host(Map.of()));
        assertEquals("zstd", c.compression());
        assertEquals(Map.of("zstd.level", "9"), c.compressionSettings());
        assertEquals(Map.of(), CliConfiguration.load(null, host(Map.of("WALKEEPER_STORAGE", "file:///var/backups/pg")))
                .compressionSettings());
    }

    @Test
    void walgKeysThatChangeWhatIsStoredAndAreNotImplementedAreErrors() throws IOException {
        for (String key : List.of("WALG_LIBSODIUM_KEY", "WALG_LIBSODIUM_KEY_PATH", "WALG_GPG_KEY_ID", "WALE_GPG_KEY_ID",
                "WALG_CSE_KMS_ID", "WALG_ENVELOPE_PGP_KEY", "WALG_SWIFT_PREFIX", "WALG_SSH_PREFIX", "WALE_S3_PREFIX")) {
            Path f = file("walg-" + key + ".json", "{\"WALG_FILE_PREFIX\": \"/mnt/pg\", \"" + key + "\": \"x\"}");
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> CliConfiguration.load(f, host(Map.of())),
                    key);
            assertTrue(e.getMessage().contains(key) && e.getMessage().contains("instead"), e.getMessage());
        }
    }

    @Test
    void walgServerSideEncryptionKeysMapToTheS3Settings() throws IOException {
        Path f = file("walg-sse.json", """
                {"WALG_S3_PREFIX": "s3://bucket/a", "WALG_S3_SSE": "aws:kms", "WALG_S3_SSE_KMS_ID": "arn:aws:kms:k",
                 "WALG_S3_STORAGE_CLASS": "STANDARD_IA"}
                """);
        CliConfiguration c = CliConfiguration.load(f, host(Map.of()));
        Map<String, String> s3 = c.storageSettings(c.storage());
        assertEquals("aws:kms", s3.get("s3.sse"));
        assertEquals("arn:aws:kms:k", s3.get("s3.sse-kms-key-id"));
        assertEquals("STANDARD_IA", s3.get("s3.storage-class"));
    }

    @Test
    void otherUnknownWalgKeysAreWarningsAndUnrelatedVariablesAreIgnored() {
        CliConfiguration c = CliConfiguration.load(null, host(Map.of("WALKEEPER_STORAGE", "file:///var/backups/pg",
                "WALG_DISK_RATE_LIMIT", "1000", "PATH", "/usr/bin", "WALKEEPER_JAVA_OPTS", "-Xmx1g")));
        assertTrue(c.warnings().stream().anyMatch(n -> n.contains("WALG_DISK_RATE_LIMIT")), c.warnings().toString());
        assertTrue(c.warnings().stream().noneMatch(n -> n.contains("PATH") || n.contains("WALKEEPER_JAVA_OPTS")),
                c.warnings().toString());
    }
}
