package io.walkeeper.cli;

import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The archive, full backup and point-in-time recovery round trip on every supported major
 * version, 12 to 17: the backup start/stop functions differ between 12-14
 * ({@code pg_start_backup}/{@code pg_stop_backup}) and 15+ ({@code pg_backup_start/stop}), and
 * the WAL page magic differs in each. PostgreSQL 15 comes from the operating system's packages;
 * the other majors from the server binaries the build fetches from Maven Central.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgVersionMatrixIT {
    private Path work;
    private CliHarness cli;

    @BeforeAll
    void setUp() throws IOException {
        work = Files.createTempDirectory("walkeeper-matrix-it");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        cli = new CliHarness(work.resolve("cli"));
    }

    @AfterAll
    void cleanUp() throws IOException {
        ArchiveBackupPitrIT.deleteTree(work);
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {12, 13, 14, 15, 16, 17})
    void archiveBackupAndRecoverToARestorePoint(int major) throws Exception {
        Path bin = TestBinaries.forMajor(major);
        Path base = Files.createDirectories(work.resolve("v" + major));
        Path repo = Files.createDirectories(base.resolve("repo"));
        Path config = base.resolve("walkeeper.json");
        Files.writeString(config, "{\"WALKEEPER_STORAGE\": \"file://" + repo + "\", \"WALKEEPER_COMPRESSION\": \"zstd\", "
                + "\"WALKEEPER_DELTA_MAX_STEPS\": \"3\"}\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        try (PostgresCluster source = PostgresCluster.builder().binDir(bin).dataDir(base.resolve("source")).build()) {
            source.grantToPostgresUser(repo);
            source.archiveCommand("'" + cli.launcher() + "' --config '" + config + "' wal-push %p");
            source.initdb().start();
            assertEquals(major, source.majorVersion());
            source.pgbenchInit(1);
            source.execute("CREATE TABLE marks(id int PRIMARY KEY)");

            cli.env("PGHOST", "127.0.0.1").env("PGPORT", Integer.toString(source.port())).env("PGUSER", "postgres");
            CliHarness.Result push = cli.run("--config", config.toString(), "backup-push", source.dataDir().toString());
            assertEquals(0, push.exitCode(), push.toString());
            assertFalse(push.stdout().contains("_D_"), push.toString());

            // a delta on top: the restore below goes through the chain on every version
            source.execute("INSERT INTO marks SELECT generate_series(1, 500)");
            source.execute("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid % 100 = 0");
            source.execute("CREATE TABLE grown AS SELECT g AS id FROM generate_series(1, 10000) g");
            CliHarness.Result delta = cli.run("--config", config.toString(), "backup-push", source.dataDir().toString());
            assertEquals(0, delta.exitCode(), delta.toString());
            assertTrue(delta.stdout().strip().contains("_D_"), delta.toString());

            source.execute("INSERT INTO marks SELECT generate_series(501, 1000)");
            source.execute("SELECT pg_create_restore_point('matrix')");
            var expected = source.fingerprint();
            source.execute("INSERT INTO marks SELECT generate_series(1001, 2000)");
            String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            ArchiveBackupPitrIT.awaitArchived(repo, last);
            Path sourceData = source.dataDir();
            source.stopImmediate();
            ArchiveBackupPitrIT.deleteTree(sourceData);

            Path dest = base.resolve("restored");
            CliHarness.Result fetch = cli.run("--config", config.toString(), "backup-fetch", dest.toString(), "LATEST",
                    "--recovery-target-name", "matrix", "--recovery-target-action", "promote");
            assertEquals(0, fetch.exitCode(), fetch.toString());
            Files.writeString(dest.resolve("postgresql.auto.conf"), "archive_mode = off\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            try (PostgresCluster restored = PostgresCluster.existing(dest, bin, 0)) {
                restored.start();
                ArchiveBackupPitrIT.awaitRecoveryEnd(restored);
                assertEquals(expected, restored.fingerprint());
                assertEquals(1000, restored.queryLong("SELECT count(*) FROM marks"));
                assertEquals(10000, restored.queryLong("SELECT count(*) FROM grown"));
                assertTrue(restored.logTail(200).contains("recovery stopping at restore point \"matrix\""), restored.logTail(40));
            }
        }
    }
}
