package io.walkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walkeeper.api.BackupInfo;
import io.walkeeper.core.WalKeeper;
import io.walkeeper.pgfixture.CommandResult;
import io.walkeeper.pgfixture.CommandRunner;
import io.walkeeper.pgfixture.PgbenchRun;
import io.walkeeper.pgfixture.PostgresCluster;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the delta-backup integration tests share: pushing under load, reading the repository, checking a restore. */
final class DeltaItSupport {
    /** A backup name: the start segment, and for a delta the start segment of its parent. */
    static final String NAME = "base_[0-9A-F]{24}(_D_[0-9A-F]{24})?";

    private DeltaItSupport() {
    }

    /** Runs backup-push with the given extra arguments and returns the name it printed. */
    static String push(CliHarness cli, Path config, PostgresCluster pg, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--config", config.toString(), "backup-push", pg.dataDir().toString()));
        args.addAll(List.of(extra));
        CliHarness.Result push = cli.run(args.toArray(String[]::new));
        assertEquals(0, push.exitCode(), push.toString());
        return nameOf(push);
    }

    /**
     * Runs backup-push while pgbench writes at a steady rate, from a second before the backup
     * starts until it has finished.
     */
    static String pushUnderLoad(CliHarness cli, Path config, PostgresCluster pg) throws Exception {
        CliHarness.Result push;
        try (PgbenchRun load = pg.pgbenchStart(2, 900, "-R", "50")) {
            Thread.sleep(1000);
            assertTrue(load.isAlive(), "pgbench runs before the backup starts");
            push = cli.run("--config", config.toString(), "backup-push", pg.dataDir().toString());
            assertTrue(load.isAlive(), "pgbench ran until the backup finished: " + push);
        }
        assertEquals(0, push.exitCode(), push.toString());
        awaitNoPgbench(pg);
        return nameOf(push);
    }

    static String nameOf(CliHarness.Result push) {
        String[] lines = push.stdout().strip().split("\n");
        String name = lines[lines.length - 1].strip();
        assertTrue(name.matches(NAME), "backup-push prints the backup name: " + push);
        return name;
    }

    /**
     * Ends load started to overlap some work, once that work is done: stops pgbench if it still
     * runs, rather than wait out the rest of its planned duration, else checks that it succeeded;
     * then waits until its sessions are gone, so that nothing writes any more.
     */
    static void endLoad(PostgresCluster pg, PgbenchRun load) throws InterruptedException {
        if (load.isAlive()) {
            load.stop();
        } else {
            load.await();
        }
        awaitNoPgbench(pg);
    }

    /** Waits until the server has no pgbench session left, so that nothing writes any more. */
    static void awaitNoPgbench(PostgresCluster pg) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (pg.queryLong("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgbench'") > 0) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("pgbench sessions did not end");
            }
            Thread.sleep(100);
        }
    }

    /** Opens the repository alone, to read what the backups recorded. */
    static WalKeeper repository(Path repo) {
        return WalKeeper.builder().storage(URI.create("file://" + repo), Map.of()).build();
    }

    /** Lists the backups through the Java API, oldest first. */
    static List<BackupInfo> list(Path repo) {
        try (WalKeeper wk = repository(repo)) {
            return wk.backups().list();
        }
    }

    /** Reads a backup's manifest as the repository stores it. */
    static JsonNode manifest(Path repo, String name) throws IOException {
        return new ObjectMapper().readTree(repo.resolve("backups").resolve(name + ".json").toFile());
    }

    /** Restores a backup with backup-fetch, keeps the restored server from archiving, and returns the directory. */
    static Path fetch(CliHarness cli, Path config, Path dest, String backup, String... targetArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("--config", config.toString(), "backup-fetch", dest.toString(), backup,
                "--recovery-target-action", "promote"));
        args.addAll(List.of(targetArgs));
        CliHarness.Result fetch = cli.run(args.toArray(String[]::new));
        assertEquals(0, fetch.exitCode(), fetch.toString());
        Files.writeString(dest.resolve("postgresql.auto.conf"), "archive_mode = off\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        return dest;
    }

    /**
     * Checks every table and index of every database with amcheck: {@code pg_amcheck --all
     * --heapallindexed} where it exists (PostgreSQL 14 and later), else {@code bt_index_check}
     * with the heap check on every B-tree index.
     */
    static void amcheck(PostgresCluster pg) {
        Path tool = pg.binDir().resolve("pg_amcheck");
        if (Files.isExecutable(tool)) {
            List<String> cmd = List.of(tool.toString(), "--all", "--heapallindexed", "--install-missing",
                    "-h", "127.0.0.1", "-p", Integer.toString(pg.port()), "-U", PostgresCluster.SUPERUSER);
            CommandResult r = CommandRunner.runAllowingFailure(PostgresCluster.asPostgresUser(cmd), Duration.ofMinutes(5));
            assertEquals(0, r.exitCode(), "pg_amcheck reports problems:\n" + r.output());
            String out = r.output().toLowerCase(java.util.Locale.ROOT);
            assertTrue(!out.contains("error") && !out.contains("corrupt"), "pg_amcheck reports problems:\n" + r.output());
            return;
        }
        for (String db : pg.databases()) {
            pg.execute(db, "CREATE EXTENSION IF NOT EXISTS amcheck");
            long checked = pg.queryLong(db, "SELECT count(bt_index_check(c.oid, true)) FROM pg_class c "
                    + "JOIN pg_index i ON i.indexrelid = c.oid "
                    + "WHERE c.relkind = 'i' AND c.relpersistence <> 't' AND i.indisvalid AND i.indisready "
                    + "AND c.relam = (SELECT oid FROM pg_am WHERE amname = 'btree')");
            assertTrue(checked > 0, "amcheck checked the B-tree indexes of " + db);
        }
    }

    /**
     * Checks the visibility map of every table in every database with pg_visibility: no page
     * marked all-visible may hold a tuple that is not visible to everyone, and no page marked
     * all-frozen one that is not frozen. A wrong bit makes index-only scans return dead rows.
     */
    static void assertVisibilityMapsHold(PostgresCluster pg) {
        for (String db : pg.databases()) {
            pg.execute(db, "CREATE EXTENSION IF NOT EXISTS pg_visibility");
            String wrong = pg.queryString(db, "SELECT coalesce(string_agg(r, ', '), '') FROM ("
                    + "SELECT c.oid::regclass || ' ' || v.kind || ' ' || v.n AS r FROM pg_class c, LATERAL ("
                    + "SELECT 'not all-visible tuples: ' AS kind, count(*) AS n FROM pg_check_visible(c.oid) "
                    + "UNION ALL SELECT 'not frozen tuples: ', count(*) FROM pg_check_frozen(c.oid)) v "
                    + "WHERE c.relkind IN ('r', 'm', 't') AND c.relpersistence = 'p' AND v.n > 0) x");
            assertEquals("", wrong, "visibility map bits that do not hold in database " + db);
        }
    }

    /** Runs a one-row query and returns its columns joined with '|'. */
    static String row(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                sb.append(i > 1 ? "|" : "").append(rs.getString(i));
            }
            return sb.toString();
        }
    }

    static String explain(Statement st, String sql) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = st.executeQuery("EXPLAIN " + sql)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    /** Runs an aggregate query with index scans off: what the table's heap holds. */
    static String bySeqScan(PostgresCluster pg, String db, String sql) {
        try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
            st.execute("SET enable_indexscan = off");
            st.execute("SET enable_indexonlyscan = off");
            st.execute("SET enable_bitmapscan = off");
            String plan = explain(st, sql);
            assertTrue(plan.contains("Seq Scan"), plan);
            return row(st, sql);
        } catch (SQLException e) {
            throw new AssertionError(sql + " in " + db + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs an aggregate query as an index-only scan (sequential and bitmap scans off; the plan
     * must say so), which trusts the visibility map, and as a sequential scan, which reads
     * the heap: both must give {@code expected}.
     */
    static void assertIndexOnlyScanAgrees(PostgresCluster pg, String db, String sql, String expected) {
        try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
            st.execute("SET enable_seqscan = off");
            st.execute("SET enable_bitmapscan = off");
            String plan = explain(st, sql);
            assertTrue(plan.contains("Index Only Scan"), "an index-only scan for " + sql + " in " + db + ":\n" + plan);
            String viaIndex = row(st, sql);
            assertEquals(expected, viaIndex, "index-only scan: " + sql + " in " + db + "\n" + plan);
        } catch (SQLException e) {
            throw new AssertionError(sql + " in " + db + ": " + e.getMessage(), e);
        }
        assertEquals(expected, bySeqScan(pg, db, sql), "sequential scan: " + sql + " in " + db);
    }

    static long asLong(JsonNode node) {
        return node == null || node.isNull() ? 0 : node.asLong();
    }
}
