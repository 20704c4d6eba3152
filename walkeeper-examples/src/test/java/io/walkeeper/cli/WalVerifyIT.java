package io.walkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wal-verify} against a running primary: OK on a healthy archive; segments waiting behind a
 * failing archive_command are pending (a warning), and become OK once archived; a restored copy of
 * the cluster that is promoted and archives into the same repository makes the timeline check
 * warn; a segment deleted from the archive by hand is lost (a failure naming it).
 */
class WalVerifyIT {
    private CliWorkspace ws;
    private Path work;
    private CliHarness cli;
    private Path config;
    private Path repo;

    @BeforeEach
    void setUp() throws Exception {
        // no push-ahead: a segment reaches the archive only when PostgreSQL archives it, so that one it
        // has not archived yet is really missing
        ws = new CliWorkspace("walkeeper-wal-verify-it", Map.of("WALKEEPER_WAL_PUSH_AHEAD", 0));
        work = ws.work();
        cli = ws.cli();
        repo = ws.repo();
        config = ws.config();
    }

    @AfterEach
    void tearDown() throws Exception {
        ws.close();
    }

    private CliHarness.Result verify(String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("--config", config.toString(), "wal-verify"));
        all.addAll(List.of(args));
        return cli.run(all.toArray(String[]::new));
    }

    @Test
    void okPendingLostAndANewerTimeline() throws Exception {
        try (PostgresCluster source = ws.startSource("source")) {
            ws.pointAt(source).env("PGDATA", source.dataDir().toString());
            source.execute("CREATE TABLE rows(id int PRIMARY KEY)");
            CliHarness.Result push = cli.run("--config", config.toString(), "backup-push", source.dataDir().toString());
            assertEquals(0, push.exitCode(), push.toString());
            String last = null;
            for (int i = 0; i < 4; i++) {
                source.execute("INSERT INTO rows SELECT generate_series(" + (i * 100 + 1) + ", " + (i * 100 + 100) + ")");
                last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            }
            ArchiveBackupPitrIT.awaitArchived(repo, last);
            awaitServerArchived(source, last);

            CliHarness.Result ok = verify();
            assertEquals(0, ok.exitCode(), ok.toString());
            assertTrue(ok.stdout().contains("integrity: OK") && ok.stdout().contains("timeline: OK"), ok.stdout());

            // the archiver fails: switched segments wait as .ready and are pending, not lost
            source.execute("ALTER SYSTEM SET archive_command = '/bin/false'");
            source.execute("SELECT pg_reload_conf()");
            long failed = source.queryLong("SELECT failed_count FROM pg_stat_archiver");
            source.execute("INSERT INTO rows SELECT generate_series(1001, 1100)");
            String waiting = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            awaitReady(source, waiting);
            // the archiver has read the new command only once it has failed with it
            for (int i = 0; i < 600 && source.queryLong("SELECT failed_count FROM pg_stat_archiver") <= failed; i++) {
                Thread.sleep(100);
            }
            assertTrue(Files.exists(source.dataDir().resolve("pg_wal/archive_status/" + waiting + ".ready")),
                    "the archiver was reconfigured after " + waiting + " was archived; this run cannot check pending");
            CliHarness.Result pending = verify("integrity", "--json");
            assertEquals(WalVerifyCommand.EXIT_WARNING, pending.exitCode(), pending.toString());
            JsonNode p = new ObjectMapper().readTree(pending.stdout()).get("integrity");
            assertEquals("WARNING", p.get("status").asText(), pending.stdout());
            assertTrue(strings(p.get("pending")).contains(waiting), pending.stdout());
            assertEquals(List.of(), strings(p.get("lost")), pending.stdout());

            source.execute("ALTER SYSTEM RESET archive_command");
            source.execute("SELECT pg_reload_conf()");
            ArchiveBackupPitrIT.awaitArchived(repo, waiting);
            awaitServerArchived(source, waiting);
            assertEquals(0, verify("integrity").exitCode(), "archived at last");

            // a restored copy promoted elsewhere archives timeline 2 into the same repository
            Path copy = work.resolve("copy");
            CliHarness.Result fetch = cli.run("--config", config.toString(), "backup-fetch", copy.toString(), "LATEST",
                    "--recovery-target-immediate", "--recovery-target-action", "promote");
            assertEquals(0, fetch.exitCode(), fetch.toString());
            try (PostgresCluster promoted = PostgresCluster.existing(copy, source.binDir(), 0)) {
                promoted.archiveCommand(ws.archiveCommand());
                promoted.start();
                ArchiveBackupPitrIT.awaitRecoveryEnd(promoted);
                ArchiveBackupPitrIT.awaitArchived(repo, "00000002.history");
                promoted.stopImmediate();
            }
            CliHarness.Result newer = verify("timeline", "--json");
            assertEquals(WalVerifyCommand.EXIT_WARNING, newer.exitCode(), newer.toString());
            JsonNode t = new ObjectMapper().readTree(newer.stdout()).get("timeline");
            assertEquals(1, t.get("clusterTimeline").asLong());
            assertEquals(List.of("2"), strings(t.get("newerTimelines")), newer.stdout());

            // a segment deleted from the archive by hand is lost
            Path deleted;
            try (Stream<Path> files = Files.list(repo.resolve("wal"))) {
                List<Path> segments = files.filter(f -> f.getFileName().toString().matches("00000001[0-9A-F]{16}\\.[a-z0-9]+"))
                        .sorted().toList();
                deleted = segments.get(segments.size() / 2);
            }
            Files.delete(deleted);
            String deletedName = deleted.getFileName().toString().substring(0, 24);
            CliHarness.Result lost = verify("integrity");
            assertEquals(WalVerifyCommand.EXIT_FAILURE, lost.exitCode(), lost.toString());
            assertTrue(lost.stdout().contains("integrity: FAILURE") && lost.stdout().contains("1 lost (" + deletedName + ")"),
                    lost.stdout());
            System.out.println("WalVerifyIT: wal-verify printed\n" + lost.stdout());
        }
    }

    private static void awaitServerArchived(PostgresCluster pg, String segment) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            String last = pg.queryString("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver");
            if (last.compareTo(segment) >= 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not report " + segment + " archived");
    }

    private static void awaitReady(PostgresCluster pg, String segment) throws InterruptedException {
        Path ready = pg.dataDir().resolve("pg_wal/archive_status/" + segment + ".ready");
        for (int i = 0; i < 600 && !Files.exists(ready); i++) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(ready), ready + " exists");
    }

    private static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
