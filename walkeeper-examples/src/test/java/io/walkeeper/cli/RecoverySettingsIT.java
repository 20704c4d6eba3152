package io.walkeeper.cli;

import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery settings a cluster carries from an earlier restore must not steer the next one. A
 * backup copies {@code postgresql.auto.conf}, and once ALTER SYSTEM has rewritten that file the
 * lines an earlier restore added ({@code recovery_target = 'immediate'}, a target time, an action)
 * look like any other setting. A later restore must override every recovery setting it manages,
 * or PostgreSQL stops at the old target and silently drops all WAL after it.
 */
class RecoverySettingsIT {
    private CliWorkspace ws;
    private Path work;
    private CliHarness cli;
    private Path config;
    private Path repo;

    @BeforeEach
    void setUp() throws Exception {
        ws = new CliWorkspace("walkeeper-recovery-settings-it");
        work = ws.work();
        cli = ws.cli();
        repo = ws.repo();
        config = ws.config();
    }

    @AfterEach
    void tearDown() throws Exception {
        ws.close();
    }

    /**
     * A cluster whose postgresql.auto.conf holds {@code recovery_target = 'immediate'} and
     * {@code recovery_target_action = 'promote'} (what ALTER SYSTEM leaves of an earlier restore's
     * lines) is backed up; 1,000 rows are written after the backup; a restore to the latest point
     * must hold all of them.
     */
    @Test
    void inheritedImmediateTargetDoesNotStopTheNextRestore() throws Exception {
        try (PostgresCluster source = ws.startSource("source")) {
            source.execute("ALTER SYSTEM SET recovery_target = 'immediate'");
            source.execute("ALTER SYSTEM SET recovery_target_action = 'promote'");
            source.execute("CREATE TABLE rows(id int PRIMARY KEY)");
            source.execute("INSERT INTO rows SELECT generate_series(1, 100)");
            backupPush(source);
            source.execute("INSERT INTO rows SELECT generate_series(101, 1000)");
            String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            ArchiveBackupPitrIT.awaitArchived(repo, last);
            Path sourceBin = source.binDir();
            source.stopImmediate();

            Path dest = work.resolve("restored");
            fetch(dest, "LATEST");
            try (PostgresCluster restored = startRestored(dest, sourceBin)) {
                assertEquals(1000, restored.queryLong("SELECT count(*) FROM rows"),
                        "every row written after the backup is replayed:\n" + Files.readString(dest.resolve("postgresql.auto.conf")));
            }
        }
    }

    /**
     * The everyday flow: restore to a point in time and promote; back up the promoted cluster;
     * write more; restore that backup to the latest point. The PITR target the promoted cluster
     * carries in its postgresql.auto.conf must not apply to the second restore.
     */
    @Test
    void pitrThenBackupThenRestoreLatestKeepsEveryRow() throws Exception {
        Path sourceBin;
        String targetTime;
        try (PostgresCluster source = ws.startSource("source")) {
            sourceBin = source.binDir();
            source.execute("CREATE TABLE rows(id int PRIMARY KEY, at timestamptz DEFAULT clock_timestamp())");
            backupPush(source);
            source.execute("INSERT INTO rows(id) SELECT generate_series(1, 100)");
            Thread.sleep(1100);
            targetTime = source.queryString("SELECT now()::text");
            Thread.sleep(1100);
            source.execute("INSERT INTO rows(id) SELECT generate_series(101, 200)");
            String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            ArchiveBackupPitrIT.awaitArchived(repo, last);
            source.stopImmediate();
        }

        Path pitr = work.resolve("pitr");
        fetch(pitr, "LATEST", "--recovery-target-time", targetTime, "--recovery-target-action", "promote");
        try (PostgresCluster promoted = PostgresCluster.existing(pitr, sourceBin, 0)) {
            promoted.archiveCommand(ws.archiveCommand());
            promoted.start();
            ArchiveBackupPitrIT.awaitRecoveryEnd(promoted);
            assertEquals(100, promoted.queryLong("SELECT count(*) FROM rows"), "the PITR restore stops at the target");
            backupPush(promoted);
            promoted.execute("INSERT INTO rows(id) SELECT generate_series(1001, 2000)");
            String last = promoted.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            ArchiveBackupPitrIT.awaitArchived(repo, last);
            promoted.stopImmediate();
        }

        Path latest = work.resolve("latest");
        fetch(latest, "LATEST");
        try (PostgresCluster restored = startRestored(latest, sourceBin)) {
            assertEquals(1100, restored.queryLong("SELECT count(*) FROM rows"),
                    "rows 1-100 and 1001-2000:\n" + Files.readString(latest.resolve("postgresql.auto.conf")));
            assertEquals(2000, restored.queryLong("SELECT max(id) FROM rows"));
        }
    }

    private void backupPush(PostgresCluster pg) throws Exception {
        ws.pointAt(pg);
        CliHarness.Result push = cli.run("--config", config.toString(), "backup-push", "--full", pg.dataDir().toString());
        assertEquals(0, push.exitCode(), push.toString());
    }

    private void fetch(Path dest, String backup, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--config", config.toString(), "backup-fetch", dest.toString(), backup));
        args.addAll(List.of(options));
        CliHarness.Result fetch = cli.run(args.toArray(String[]::new));
        assertEquals(0, fetch.exitCode(), fetch.toString());
        assertFalse(Files.exists(dest.resolve("standby.signal")));
    }

    private static PostgresCluster startRestored(Path dest, Path bin) throws Exception {
        PostgresCluster restored = PostgresCluster.existing(dest, bin, 0);
        restored.start();
        ArchiveBackupPitrIT.awaitRecoveryEnd(restored);
        Instant deadline = Instant.now().plusSeconds(10);
        while (Files.exists(dest.resolve("recovery.signal")) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertTrue(restored.isRunning());
        return restored;
    }
}
