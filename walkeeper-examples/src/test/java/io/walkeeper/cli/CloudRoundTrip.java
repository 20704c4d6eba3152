package io.walkeeper.cli;

import io.walkeeper.pgfixture.PostgresCluster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The archive, backup and point-in-time recovery round trip through the CLI against any
 * repository given by configuration keys: archive_command pushes WAL, a full backup and a delta
 * are taken, the cluster is destroyed, the delta is restored to a restore point, and every table
 * equals the source at that point.
 */
final class CloudRoundTrip {
    private CloudRoundTrip() {
    }

    static void run(Path work, CliHarness cli, Map<String, String> settings) throws Exception {
        Files.createDirectories(work);
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = work.resolve("walkeeper.json");
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.putIfAbsent("WALG_DELTA_MAX_STEPS", "3");
        String json = all.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\": \"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",\n  ", "{\n  ", "\n}\n"));
        Files.writeString(config, json);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        try (PostgresCluster source = PostgresCluster.builder().dataDir(work.resolve("source")).build()) {
            source.archiveCommand("'" + cli.launcher() + "' --config '" + config + "' wal-push %p");
            source.initdb().start();
            source.pgbenchInit(2);
            source.execute("CREATE TABLE marks(id int PRIMARY KEY, at timestamptz DEFAULT now())");
            cli.env("PGHOST", "127.0.0.1").env("PGPORT", Integer.toString(source.port())).env("PGUSER", "postgres");

            CliHarness.Result full = cli.run("--config", config.toString(), "backup-push", source.dataDir().toString());
            assertEquals(0, full.exitCode(), full.toString());
            source.execute("INSERT INTO marks(id) SELECT generate_series(1, 500)");
            source.execute("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid % 50 = 0");
            CliHarness.Result delta = cli.run("--config", config.toString(), "backup-push", source.dataDir().toString());
            assertEquals(0, delta.exitCode(), delta.toString());
            assertTrue(delta.stdout().contains("_D_"), delta.toString());

            source.execute("INSERT INTO marks(id) SELECT generate_series(501, 1000)");
            source.execute("SELECT pg_create_restore_point('cloud')");
            SortedMap<String, String> expected = source.fingerprint();
            source.execute("INSERT INTO marks(id) SELECT generate_series(1001, 2000)");
            String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            awaitArchived(source, last);
            CliHarness.Result list = cli.run("--config", config.toString(), "backup-list", "--detail");
            assertEquals(0, list.exitCode(), list.toString());

            // retention before the restore: keeping the one full chain deletes only the WAL from
            // before the full backup, and the restore below proves nothing it needs went with it
            CliHarness.Result dry = cli.run("--config", config.toString(), "delete", "retain", "FULL", "1");
            assertEquals(0, dry.exitCode(), dry.toString());
            assertTrue(dry.stdout().contains("would delete 0 backup(s)"), dry.toString());
            CliHarness.Result delete = cli.run("--config", config.toString(), "delete", "retain", "FULL", "1", "--confirm");
            assertEquals(0, delete.exitCode(), delete.toString());
            Matcher deleted = Pattern.compile("deleted 0 backup\\(s\\) and (\\d+) archived WAL")
                    .matcher(delete.stdout());
            assertTrue(deleted.find() && Integer.parseInt(deleted.group(1)) > 0, "WAL from before the full backup: " + delete);
            CliHarness.Result after = cli.run("--config", config.toString(), "backup-list");
            assertEquals(list.stdout().lines().count(), after.stdout().lines().count(), after.toString());
            CliHarness.Result verify = cli.run("--config", config.toString(), "backup-verify", "LATEST");
            assertEquals(0, verify.exitCode(), verify.toString());
            assertTrue(verify.stdout().contains("2 backup(s)") && verify.stdout().contains(": OK"), verify.toString());
            Path sourceData = source.dataDir();
            source.stopImmediate();
            ArchiveBackupPitrIT.deleteTree(sourceData);

            Path dest = work.resolve("restored");
            CliHarness.Result fetch = cli.run("--config", config.toString(), "backup-fetch", dest.toString(), "LATEST",
                    "--recovery-target-name", "cloud", "--recovery-target-action", "promote");
            assertEquals(0, fetch.exitCode(), fetch.toString());
            Files.writeString(dest.resolve("postgresql.auto.conf"), "archive_mode = off\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            try (PostgresCluster restored = PostgresCluster.existing(dest, source.binDir(), 0)) {
                restored.start();
                ArchiveBackupPitrIT.awaitRecoveryEnd(restored);
                assertEquals(expected, restored.fingerprint());
                assertEquals(1000, restored.queryLong("SELECT count(*) FROM marks"));
            }
        }
    }

    /** Waits until PostgreSQL's archiver reports {@code segment} (or a later one) archived. */
    static void awaitArchived(PostgresCluster pg, String segment) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(120);
        while (true) {
            String last = pg.queryString("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver");
            if (last.length() == 24 && last.compareTo(segment) >= 0) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(segment + " was not archived in time (last: " + last + "): " + pg.logTail(30));
            }
            Thread.sleep(200);
        }
    }
}
