package io.walkeeper.cli;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.RestoreResult;
import io.walkeeper.api.WalCommands;
import io.walkeeper.core.PgConnection;
import io.walkeeper.examples.EmbeddingExample;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The README's embedding example, run as written against a real server: WAL archived through
 * {@link WalCommands#archiveCommand}, a backup before and one after a point in time, then a
 * restore to that time with {@code BackupSelector.latest()} — which must take the earlier backup
 * (the later one ends after the target) — and a recovered server that holds exactly the rows
 * committed by then, fetching WAL through {@link WalCommands#restoreCommand}.
 */
class EmbeddingExampleIT {

    @Test
    void theReadmeExampleRestoresToATime() throws Exception {
        Path work = Files.createTempDirectory("walkeeper-embedding-it");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        CliHarness cli = new CliHarness(work.resolve("cli"));
        Path repo = Files.createDirectories(work.resolve("repo"));
        URI repository = repo.toUri();
        Path config = work.resolve("walkeeper.json");
        Files.writeString(config, "{\"WALKEEPER_STORAGE\": \"" + repository + "\"}\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        try (PostgresCluster source = PostgresCluster.builder().dataDir(work.resolve("source")).build()) {
            source.grantToPostgresUser(repo);
            source.archiveCommand(WalCommands.archiveCommand(cli.launcher(), config));
            source.initdb().start();
            PgConnection server = PgConnection.of("127.0.0.1", source.port(), "postgres");
            source.execute("CREATE TABLE orders(id int PRIMARY KEY, item text NOT NULL)");
            source.execute("INSERT INTO orders SELECT g, 'before-backup-' || g FROM generate_series(1, 1000) g");

            BackupInfo before = EmbeddingExample.backup(repository, server, source.dataDir());
            source.execute("INSERT INTO orders SELECT g, 'after-backup-' || g FROM generate_series(1001, 2000) g");
            String expected = source.queryString("SELECT count(*) || ':' || md5(string_agg(id || item, ',' ORDER BY id)) FROM orders");
            Thread.sleep(1100);
            OffsetDateTime target = OffsetDateTime.parse(source.queryString(
                    "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"),
                    DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            Thread.sleep(1100);
            source.execute("INSERT INTO orders SELECT g, 'after-target-' || g FROM generate_series(2001, 3000) g");
            BackupInfo after = EmbeddingExample.backup(repository, server, source.dataDir());
            assertNotEquals(before.name(), after.name());
            String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            ArchiveBackupPitrIT.awaitArchived(repo, last);
            Path binDir = source.binDir();
            source.stopImmediate();

            Path restored = work.resolve("restored");
            RestoreResult result = EmbeddingExample.restoreToTime(repository, restored, target.toInstant(), cli.launcher(),
                    config);
            assertEquals(before.name(), result.backup().name(),
                    "latest() with a time target takes the newest backup that finished before it");
            Files.writeString(restored.resolve("postgresql.auto.conf"), "archive_mode = off\n", StandardOpenOption.APPEND);
            try (PostgresCluster pg = PostgresCluster.existing(restored, binDir, 0)) {
                pg.start();
                ArchiveBackupPitrIT.awaitRecoveryEnd(pg);
                assertEquals(expected, pg.queryString(
                        "SELECT count(*) || ':' || md5(string_agg(id || item, ',' ORDER BY id)) FROM orders"),
                        "the rows committed by the target time, and no others");
            }
        } finally {
            ArchiveBackupPitrIT.deleteTree(work);
        }
    }
}
