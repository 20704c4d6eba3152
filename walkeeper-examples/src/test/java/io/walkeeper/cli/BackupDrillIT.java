package io.walkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code backup-drill} against a real archive: a good backup comes up, recovers to the end of the
 * archive and passes pg_amcheck and a query on the data; with a segment after the backup deleted
 * from the archive, the drill fails naming it (PostgreSQL itself would have promoted at the hole);
 * with the backup's own start segment deleted, it fails naming that one. Each time the drill
 * leaves no directory and no process behind, and the repository gains no WAL; backup-list
 * --detail shows the last drill.
 */
class BackupDrillIT {
    private Path work;
    private CliHarness cli;
    private Path config;
    private Path repo;
    private Path drills;

    @BeforeEach
    void setUp() throws Exception {
        work = Files.createTempDirectory("walkeeper-drill-it");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        cli = new CliHarness(work.resolve("cli"));
        repo = Files.createDirectories(work.resolve("repo"));
        drills = Files.createDirectories(work.resolve("drills"));
        Files.setPosixFilePermissions(drills, PosixFilePermissions.fromString("rwxr-xr-x"));
        config = work.resolve("walkeeper.json");
        Files.writeString(config, "{\"WALKEEPER_STORAGE\": \"file://" + repo + "\", \"WALKEEPER_WAL_PUSH_AHEAD\": 0}\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @AfterEach
    void tearDown() throws Exception {
        ArchiveBackupPitrIT.deleteTree(work);
    }

    private CliHarness.Result drill(Path binDir, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--config", config.toString(), "backup-drill", "LATEST",
                "--pg-bin", binDir.toString(), "--role", "postgres", "--work-dir", drills.toString(),
                "--check-sql", "SELECT count(*) = 400 FROM rows"));
        if (PostgresCluster.runningAsRoot()) {
            args.addAll(List.of("--os-user", "postgres"));
        }
        args.addAll(List.of(extra));
        long started = System.nanoTime();
        CliHarness.Result r = cli.run(args.toArray(String[]::new));
        System.out.printf("BackupDrillIT: backup-drill took %d ms (exit %d):%n%s%n", (System.nanoTime() - started) / 1_000_000,
                r.exitCode(), r.stdout());
        return r;
    }

    @Test
    void aGoodBackupPassesAndAMissingSegmentFailsTheDrillNamingIt() throws Exception {
        Path binDir;
        String backup;
        List<String> afterBackup = new ArrayList<>();
        try (PostgresCluster source = PostgresCluster.builder().dataDir(work.resolve("source")).build()) {
            binDir = source.binDir();
            source.grantToPostgresUser(repo);
            source.archiveCommand("'" + cli.launcher() + "' --config '" + config + "' wal-push %p");
            source.initdb().start();
            cli.env("PGHOST", "127.0.0.1").env("PGUSER", "postgres").env("PGPORT", Integer.toString(source.port()));
            source.execute("CREATE TABLE rows(id int PRIMARY KEY, v text)");
            CliHarness.Result push = cli.run("--config", config.toString(), "backup-push", source.dataDir().toString());
            assertEquals(0, push.exitCode(), push.toString());
            backup = push.stdout().strip();
            for (int i = 0; i < 4; i++) {
                source.execute("INSERT INTO rows SELECT g, md5(g::text) FROM generate_series(" + (i * 100 + 1) + ", "
                        + (i * 100 + 100) + ") g");
                afterBackup.add(source.queryString("SELECT pg_walfile_name(pg_switch_wal())"));
            }
            ArchiveBackupPitrIT.awaitArchived(repo, afterBackup.get(afterBackup.size() - 1));
            source.stop();
        }
        cli.env("PGHOST", null).env("PGPORT", null).env("PGUSER", null);
        SortedSet<String> wal = walObjects();

        // a good backup: recovered to the end of the archive, every row back, checks passed
        CliHarness.Result ok = drill(binDir);
        assertEquals(0, ok.exitCode(), ok.toString());
        assertTrue(ok.stdout().contains("Drill of backup " + backup + " (recovery target: latest): PASSED"), ok.stdout());
        assertTrue(ok.stdout().contains("(measured RTO"), ok.stdout());
        assertTrue(ok.stdout().matches("(?s).*recovered to: +LSN [0-9A-F]+/[0-9A-F]+ on timeline 1.*"), ok.stdout());
        assertTrue(ok.stdout().matches("(?s).*check sql +PASSED .*returned (t|true).*"), ok.stdout());
        assertTrue(ok.stdout().matches("(?s).*check wal-continuity +PASSED .*"), ok.stdout());
        assertTrue(ok.stdout().matches("(?s).*check pg_amcheck +(PASSED|SKIPPED) .*"), ok.stdout());
        assertLeftNothing(wal);
        CliHarness.Result listed = cli.run("--config", config.toString(), "backup-list", "--detail");
        assertEquals(0, listed.exitCode(), listed.toString());
        assertTrue(listed.stdout().contains("LAST DRILL") && listed.stdout().contains("PASSED "), listed.stdout());

        // a segment after the backup is lost: PostgreSQL would promote at the hole; the drill fails naming it
        String lost = afterBackup.get(1);
        deleteWal(lost);
        wal = walObjects();
        CliHarness.Result gap = drill(binDir, "--json");
        assertEquals(BackupDrillCommand.EXIT_FAILED, gap.exitCode(), gap.toString());
        JsonNode report = new ObjectMapper().readTree(gap.stdout());
        assertEquals("FAILED", report.get("status").asText(), gap.stdout());
        assertTrue(report.get("failure").asText().contains("WAL segment " + lost + " is missing"), gap.stdout());
        assertTrue(report.get("timeToPromotionMillis").asLong() > 0, gap.stdout());
        assertNotNull(report.get("recoveredLsn").textValue(), gap.stdout());
        assertLeftNothing(wal);
        listed = cli.run("--config", config.toString(), "backup-list", "--detail");
        assertTrue(listed.stdout().contains("FAILED "), listed.stdout());

        // the backup's own start segment is lost: recovery cannot even reach consistency
        CliHarness.Result json = cli.run("--config", config.toString(), "backup-list", "--json");
        JsonNode listedJson = new ObjectMapper().readTree(json.stdout()).get(0);
        assertEquals("FAILED", listedJson.get("lastDrill").get("status").asText(), json.stdout());
        assertEquals(report.get("startedAt").asText(), listedJson.get("lastDrill").get("startedAt").asText(), json.stdout());
        String start = listedJson.get("startWalSegment").asText();
        deleteWal(start);
        wal = walObjects();
        CliHarness.Result broken = drill(binDir, "--no-keep-report");
        assertEquals(BackupDrillCommand.EXIT_FAILED, broken.exitCode(), broken.toString());
        assertTrue(broken.stdout().contains("FAILED") && broken.stdout().contains("WAL segment " + start), broken.stdout());
        assertLeftNothing(wal);
    }

    private void assertLeftNothing(SortedSet<String> walBefore) throws IOException, InterruptedException {
        try (Stream<Path> s = Files.list(drills)) {
            assertEquals(List.of(), s.toList(), "the drill removed its directory");
        }
        List<String> left = ProcessHandle.allProcesses()
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(drills.toString()))
                .toList();
        assertEquals(List.of(), left, "no process of the drill is left");
        assertEquals(walBefore, walObjects(), "the drill archived nothing into the repository");
    }

    private SortedSet<String> walObjects() throws IOException {
        try (Stream<Path> s = Files.list(repo.resolve("wal"))) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    private void deleteWal(String segment) throws IOException {
        try (Stream<Path> s = Files.list(repo.resolve("wal"))) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(segment)).toList()) {
                Files.delete(p);
            }
        }
    }
}
