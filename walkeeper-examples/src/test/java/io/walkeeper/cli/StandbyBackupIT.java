package io.walkeeper.cli;

import io.walkeeper.pgfixture.PgbenchRun;
import io.walkeeper.pgfixture.PostgresCluster;
import io.walkeeper.pgfixture.PostgresClusterBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backups taken on a streaming standby, through the CLI, on the oldest and the newest supported
 * majors. The primary archives into the repository; the standby streams from it through a slot
 * and is backed up while pgbench writes on the primary. Restored without {@code --standby} the
 * backup must become a primary holding exactly the primary's data at the end of the archive, and
 * must not stream from the production primary; restored with {@code --standby} it must come up
 * in recovery. The standby runs with short idle timeouts, which the backup session must not be
 * cut by; and a standby backup whose last segment the primary does not archive in time fails
 * saying what to do.
 */
class StandbyBackupIT {
    private static final Pattern ACTIVE_CONNINFO = Pattern.compile("(?m)^\\s*primary_conninfo\\s*=\\s*'host");

    private CliWorkspace ws;
    private Path work;
    private CliHarness cli;

    /** One workspace for each major: its own repository, configuration and harness. */
    @BeforeEach
    void setUp() throws IOException {
        ws = new CliWorkspace("walkeeper-standby-it");
        work = ws.work();
        cli = ws.cli();
    }

    @AfterEach
    void cleanUp() throws IOException {
        ws.close();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {12, 17})
    void backupOfAStreamingStandbyRestoresAsAPrimaryOrAsAStandby(int major) throws Exception {
        Path bin = TestBinaries.forMajor(major);
        Path repo = ws.repo();
        Path config = ws.config();
        String archiveCommand = ws.archiveCommand();
        try (PostgresCluster primary = ws.startSource(PostgresCluster.builder().binDir(bin), "primary")) {
            primary.pgbenchInit(2);
            PostgresClusterBuilder standbyBuilder = primary.standby(work.resolve("standby"), "standby_slot")
                    .archiveCommand(archiveCommand)
                    .setting("idle_in_transaction_session_timeout", "300ms");
            if (major >= 14) {
                standbyBuilder.setting("idle_session_timeout", "300ms");
            }
            try (PostgresCluster standby = standbyBuilder.build()) {
                standby.start();
                awaitReplayed(primary, standby);
                ws.pointAt(standby);

                // the primary writes a little and does not switch: the standby backup's last segment never arrives
                primary.execute("CREATE TABLE not_switched AS SELECT 1 AS id");
                awaitReplayed(primary, standby);
                cli.env("WALKEEPER_WAL_ARCHIVE_TIMEOUT", "1");
                CliHarness.Result late = cli.run("--config", config.toString(), "backup-push", standby.dataDir().toString());
                assertEquals(8, late.exitCode(), late.toString());
                assertTrue(late.stderr().contains("standby") && late.stderr().contains("archive_timeout")
                        && late.stderr().contains("pg_switch_wal"), late.toString());
                CliHarness.Result listed = cli.run("--config", config.toString(), "backup-list", "--json");
                assertEquals("[]", listed.stdout().replaceAll("\\s", ""), "a failed backup is not listed: " + listed);

                cli.env("WALKEEPER_WAL_ARCHIVE_TIMEOUT", "120");
                PgbenchRun load = primary.pgbenchStart(2, 6);
                CliHarness.Result push;
                try (WalSwitcher switcher = new WalSwitcher(primary)) {
                    push = cli.run("--config", config.toString(), "backup-push", standby.dataDir().toString());
                }
                DeltaItSupport.endLoad(primary, load);
                assertEquals(0, push.exitCode(), push.toString());

                primary.execute("CREATE TABLE after_backup AS SELECT generate_series(1, 1000) AS id");
                SortedMap<String, String> expected = primary.fingerprint();
                String last = primary.queryString("SELECT pg_walfile_name(pg_switch_wal())");
                ArchiveBackupPitrIT.awaitArchived(repo, last);

                Path promoted = work.resolve("restored-primary");
                CliHarness.Result fetch = cli.run("--config", config.toString(), "backup-fetch", promoted.toString(), "LATEST");
                assertEquals(0, fetch.exitCode(), fetch.toString());
                assertFalse(Files.exists(promoted.resolve("standby.signal")), "the standby's signal file is not restored");
                assertTrue(Files.exists(promoted.resolve("recovery.signal")));
                String auto = Files.readString(promoted.resolve("postgresql.auto.conf"));
                assertFalse(ACTIVE_CONNINFO.matcher(auto).find(), "a restore that is not a standby never streams:\n" + auto);
                try (PostgresCluster restored = PostgresCluster.existing(promoted, bin, 0)) {
                    restored.start();
                    ArchiveBackupPitrIT.awaitRecoveryEnd(restored);
                    assertEquals(expected, restored.fingerprint());
                    assertEquals(0, restored.queryLong("SELECT count(*) FROM pg_stat_wal_receiver"));
                }

                Path asStandby = work.resolve("restored-standby");
                CliHarness.Result standbyFetch = cli.run("--config", config.toString(), "backup-fetch", asStandby.toString(),
                        "LATEST", "--standby");
                assertEquals(0, standbyFetch.exitCode(), standbyFetch.toString());
                assertTrue(Files.exists(asStandby.resolve("standby.signal")));
                assertFalse(Files.exists(asStandby.resolve("recovery.signal")));
                assertTrue(ACTIVE_CONNINFO.matcher(Files.readString(asStandby.resolve("postgresql.auto.conf"))).find(),
                        "a standby keeps primary_conninfo");
                try (PostgresCluster restoredStandby = PostgresCluster.existing(asStandby, bin, 0)) {
                    restoredStandby.start();
                    assertEquals("true", restoredStandby.queryString("SELECT pg_is_in_recovery()::text"));
                }
            }
        }
    }

    /** Waits until the standby has replayed everything the primary has written so far. */
    private static void awaitReplayed(PostgresCluster primary, PostgresCluster standby) throws InterruptedException {
        String target = primary.queryString("SELECT pg_current_wal_lsn()::text");
        Instant deadline = Instant.now().plusSeconds(60);
        while (!"true".equals(standby.queryString("SELECT (pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn)::text"))) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the standby did not replay up to " + target + "\n" + standby.logTail(40));
            }
            Thread.sleep(100);
        }
    }

    /** Switches the primary's WAL every second, as archive_timeout would, so the standby backup's segments arrive. */
    private static final class WalSwitcher implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        WalSwitcher(PostgresCluster primary) {
            thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        primary.execute("SELECT pg_switch_wal()");
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "wal-switcher");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.interrupt();
            thread.join(10_000);
        }
    }
}
