package io.walkeeper.cli;

import io.walkeeper.crypto.OpenPgpKeys;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Archive, full backup and point-in-time recovery through the CLI with every codec, with OpenPGP
 * on top of zstd, with a wrong decryption key, and across a codec switch in the middle of the
 * archive: restore reads each object with the codec its name gives, not today's setting.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodecsAndEncryptionIT {
    private Path work;
    private CliHarness cli;

    @BeforeAll
    void setUp() throws IOException {
        work = Files.createTempDirectory("walkeeper-codecs-it");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        cli = new CliHarness(work.resolve("cli"));
    }

    @AfterAll
    void cleanUp() throws IOException {
        ArchiveBackupPitrIT.deleteTree(work);
    }

    /** One cluster's archive → backup → writes → destroy → restore to a restore point. */
    private final class RoundTrip {
        final Path base;
        final Path repo;
        final Path config;
        SortedMap<String, String> expected;

        RoundTrip(String name) throws IOException {
            base = Files.createDirectories(work.resolve(name));
            repo = Files.createDirectories(base.resolve("repo"));
            config = base.resolve("walkeeper.json");
        }

        void writeConfig(Map<String, String> settings) throws IOException {
            Map<String, String> all = new LinkedHashMap<>();
            all.put("WALKEEPER_STORAGE", "file://" + repo);
            all.putAll(settings);
            Files.writeString(config, all.entrySet().stream()
                    .map(e -> "\"" + e.getKey() + "\": \"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"")
                            .replace("\n", "\\n") + "\"")
                    .collect(Collectors.joining(",\n  ", "{\n  ", "\n}\n")));
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        }

        /** Runs the source cluster up to its destruction; {@code afterBackup} runs between the backup and the writes. */
        void archiveBackupAndDestroy(IoAction afterBackup) throws Exception {
            try (PostgresCluster source = PostgresCluster.builder().dataDir(base.resolve("source")).build()) {
                source.grantToPostgresUser(repo);
                source.archiveCommand("'" + cli.launcher() + "' --config '" + config + "' wal-push %p");
                source.initdb().start();
                source.pgbenchInit(1);
                source.execute("CREATE TABLE marks(id int PRIMARY KEY)");
                cli.env("PGHOST", source.socketDir().toString()).env("PGPORT", Integer.toString(source.port()))
                        .env("PGUSER", "postgres");
                CliHarness.Result push = cli.run("--config", config.toString(), "backup-push", source.dataDir().toString());
                assertEquals(0, push.exitCode(), push.toString());
                afterBackup.run();
                source.execute("INSERT INTO marks SELECT generate_series(1, 1000)");
                source.execute("SELECT pg_switch_wal()");
                source.execute("INSERT INTO marks SELECT generate_series(1001, 1500)");
                source.execute("SELECT pg_create_restore_point('codec_rp')");
                expected = source.fingerprint();
                source.execute("INSERT INTO marks SELECT generate_series(1501, 2000)");
                String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
                ArchiveBackupPitrIT.awaitArchived(repo, last);
                Path data = source.dataDir();
                source.stopImmediate();
                ArchiveBackupPitrIT.deleteTree(data);
            }
        }

        CliHarness.Result fetch(Path dest) throws Exception {
            return cli.run("--config", config.toString(), "backup-fetch", dest.toString(), "LATEST",
                    "--recovery-target-name", "codec_rp", "--recovery-target-action", "promote");
        }

        void restoreAndVerify() throws Exception {
            Path dest = base.resolve("restored");
            CliHarness.Result fetch = fetch(dest);
            assertEquals(0, fetch.exitCode(), fetch.toString());
            Files.writeString(dest.resolve("postgresql.auto.conf"), "archive_mode = off\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            try (PostgresCluster restored = PostgresCluster.existing(dest, null, 0)) {
                restored.start();
                ArchiveBackupPitrIT.awaitRecoveryEnd(restored);
                assertEquals(1500, restored.queryLong("SELECT count(*) FROM marks"));
                assertEquals(expected, restored.fingerprint());
            }
        }

        List<String> storedKeys() throws IOException {
            try (Stream<Path> s = Files.walk(repo)) {
                return s.filter(Files::isRegularFile).map(p -> repo.relativize(p).toString()).sorted().toList();
            }
        }
    }

    /** An action that may throw. */
    @FunctionalInterface
    interface IoAction {
        void run() throws Exception;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"zstd", "brotli", "xz", "none"})
    void everyCodecRoundTrips(String codec) throws Exception {
        RoundTrip t = new RoundTrip("codec-" + codec);
        t.writeConfig(Map.of("WALKEEPER_COMPRESSION", codec));
        t.archiveBackupAndDestroy(() -> { });
        String ext = Map.of("zstd", ".zst", "brotli", ".br", "xz", ".xz", "none", "").get(codec);
        assertTrue(t.storedKeys().stream().filter(k -> k.startsWith("wal/") || k.contains("/part_"))
                .allMatch(k -> k.endsWith(ext) || k.endsWith(".tar") && ext.isEmpty()
                        || k.matches("wal/[0-9A-F]{24}(\\.[0-9A-F]{8}\\.backup)?") && ext.isEmpty()), t.storedKeys().toString());
        t.restoreAndVerify();
    }

    @Test
    void anArchiveWrittenWithLz4ThenZstdRestoresAcrossTheSwitch() throws Exception {
        RoundTrip t = new RoundTrip("switch");
        t.writeConfig(Map.of("WALKEEPER_COMPRESSION", "lz4"));
        t.archiveBackupAndDestroy(() -> t.writeConfig(Map.of("WALKEEPER_COMPRESSION", "zstd")));
        List<String> wal = t.storedKeys().stream().filter(k -> k.startsWith("wal/")).toList();
        assertTrue(wal.stream().anyMatch(k -> k.endsWith(".lz4")) && wal.stream().anyMatch(k -> k.endsWith(".zst")), wal.toString());
        t.restoreAndVerify();
    }

    @Test
    void openPgpOnTopOfZstdRoundTripsAndAWrongKeyWritesNothing() throws Exception {
        Path keys = Files.createDirectories(work.resolve("keys"));
        OpenPgpKeys.KeyPair right = OpenPgpKeys.generate("walkeeper test <test@example.invalid>", "right pass".toCharArray());
        OpenPgpKeys.KeyPair other = OpenPgpKeys.generate("someone else <else@example.invalid>", "other pass".toCharArray());
        Path pub = Files.writeString(keys.resolve("pub.asc"), right.publicKey());
        Path priv = Files.writeString(keys.resolve("priv.asc"), right.privateKey());
        Path otherPriv = Files.writeString(keys.resolve("other.asc"), other.privateKey());
        for (Path p : List.of(pub, priv, otherPriv)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }

        RoundTrip t = new RoundTrip("openpgp");
        t.writeConfig(Map.of("WALKEEPER_COMPRESSION", "zstd", "WALKEEPER_PGP_PUBLIC_KEY_PATH", pub.toString(),
                "WALKEEPER_PGP_KEY_PATH", priv.toString(), "WALKEEPER_PGP_PASSPHRASE", "right pass"));
        t.archiveBackupAndDestroy(() -> { });
        List<String> stored = t.storedKeys();
        assertTrue(stored.stream().filter(k -> k.startsWith("wal/") || k.contains("/part_")).allMatch(k -> k.endsWith(".zst.pgp")),
                stored.toString());
        String manifest = Files.readString(t.repo.resolve(stored.stream().filter(k -> k.endsWith(".json") && k.startsWith("backups/"))
                .findFirst().orElseThrow()));
        assertFalse(manifest.contains("right pass") || manifest.contains("PRIVATE KEY"), "no secret in the manifest");

        // the same repository read with another private key: a clear error, and nothing written
        assertTrue(stored.stream().anyMatch(k -> k.endsWith(".json.sig")), "manifests are signed: " + stored);
        Path wrongConfig = t.base.resolve("wrong.json");
        Files.writeString(wrongConfig, "{\"WALKEEPER_STORAGE\": \"file://" + t.repo + "\", \"WALKEEPER_PGP_KEY_PATH\": \""
                + otherPriv + "\", \"WALKEEPER_PGP_PASSPHRASE\": \"other pass\"}");
        Path wrongDest = t.base.resolve("wrong-restore");
        CliHarness.Result wrong = cli.run("--config", wrongConfig.toString(), "backup-fetch", wrongDest.toString(), "LATEST");
        assertNotEquals(0, wrong.exitCode(), wrong.toString());
        // the manifest is signed with the right key: another key's holder is stopped at its signature
        assertTrue(wrong.stderr().contains("does not match its signature") && wrong.stderr().contains(".json.sig"),
                "the error names the signature: " + wrong);
        assertFalse(Files.exists(wrongDest), "a failed restore leaves nothing behind");
        Path segment = t.base.resolve("one-segment");
        String firstWal = stored.stream().filter(k -> k.matches("wal/[0-9A-F]{24}\\.zst\\.pgp")).findFirst().orElseThrow()
                .substring(4, 28);
        CliHarness.Result wrongFetch = cli.run("--config", wrongConfig.toString(), "wal-fetch", firstWal, segment.toString());
        assertNotEquals(0, wrongFetch.exitCode(), wrongFetch.toString());
        assertEquals(WalFetchCommand.ABORT_RECOVERY, wrongFetch.exitCode(), "a file that cannot be decrypted is not 'missing': "
                + "recovery must stop: " + wrongFetch);
        assertFalse(Files.exists(segment));

        t.restoreAndVerify();
    }
}
