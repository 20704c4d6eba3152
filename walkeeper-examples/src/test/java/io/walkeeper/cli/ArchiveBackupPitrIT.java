package io.walkeeper.cli;

import io.walkeeper.pgfixture.PgbenchRun;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mission, through the CLI as a DBA sets it up: {@code archive_command} is the CLI's
 * wal-push, a full backup is taken with backup-push while pgbench writes, more rows are written in
 * known batches, the cluster is destroyed, and backup-fetch restores it to the end of the WAL and
 * to a point in time given as a time, an LSN, a transaction id and a restore-point name. Each
 * restored cluster must hold exactly the rows committed before its target.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchiveBackupPitrIT {
    private CliWorkspace ws;
    private Path work;
    private CliHarness cli;
    private Path config;
    private PostgresCluster source;
    private Path binDir;
    private String backupName;
    /** Fingerprint of every table except {@code marks}, which does not change after the backup's load ends. */
    private SortedMap<String, String> otherTables;
    private final TreeMap<Integer, String> marksUpTo = new TreeMap<>();
    private String targetTime;
    private String targetXid;
    private String targetLsn;
    private String tablespaceOid;

    @BeforeAll
    void archiveBackupAndWrite() throws Exception {
        ws = new CliWorkspace("walkeeper-pitr-it", Map.of("WALKEEPER_COMPRESSION", "lz4"));
        work = ws.work();
        cli = ws.cli();
        Path repo = ws.repo();
        config = ws.config();

        source = ws.startSource("source");
        binDir = source.binDir();
        source.pgbenchInit(5);
        // a tablespace outside the data directory, and an unlogged table, as in a real cluster
        Path tablespace = Files.createDirectories(work.resolve("ts-source"));
        source.grantToPostgresUser(tablespace);
        source.execute("CREATE TABLESPACE ts1 LOCATION '" + tablespace + "'");
        tablespaceOid = source.queryString("SELECT oid::text FROM pg_tablespace WHERE spcname = 'ts1'");
        source.execute("CREATE TABLE in_ts(id int PRIMARY KEY, v text) TABLESPACE ts1");
        source.execute("INSERT INTO in_ts SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
        source.execute("CREATE UNLOGGED TABLE scratch(id int)");
        source.execute("INSERT INTO scratch SELECT generate_series(1, 1000)");

        ws.pointAt(source);
        PgbenchRun load = source.pgbenchStart(2, 8);
        CliHarness.Result push = cli.run("--config", config.toString(), "backup-push", source.dataDir().toString());
        DeltaItSupport.endLoad(source, load);
        assertEquals(0, push.exitCode(), push.toString());
        String[] lines = push.stdout().strip().split("\n");
        backupName = lines[lines.length - 1].strip();
        assertTrue(backupName.matches("base_[0-9A-F]{24}"), push.toString());

        source.execute("CREATE TABLE marks(id int PRIMARY KEY, batch text NOT NULL, at timestamptz DEFAULT clock_timestamp())");
        otherTables = new TreeMap<>(source.fingerprint());
        otherTables.keySet().removeIf(k -> k.endsWith(".marks"));

        insertBatch("A", 1, 100);
        Thread.sleep(1100);
        targetTime = source.queryString("SELECT now()::text");
        Thread.sleep(1100);
        insertBatch("B", 101, 200);
        source.execute("SELECT pg_create_restore_point('after_b')");
        try (var c = source.connect("postgres"); var st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("INSERT INTO marks(id, batch) SELECT g, 'C' FROM generate_series(201, 300) g");
            try (var rs = st.executeQuery("SELECT txid_current()::text")) {
                rs.next();
                targetXid = rs.getString(1);
            }
            c.commit();
        }
        record(300);
        insertBatch("D", 301, 400);
        targetLsn = source.queryString("SELECT pg_current_wal_lsn()::text");
        insertBatch("E", 401, 500);
        String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
        awaitArchived(repo, last);

        Path sourceData = source.dataDir();
        source.stopImmediate();
        deleteTree(sourceData);
    }

    private void insertBatch(String batch, int from, int to) {
        source.execute("INSERT INTO marks(id, batch) SELECT g, '" + batch + "' FROM generate_series(" + from + ", " + to + ") g");
        record(to);
    }

    private void record(int upTo) {
        marksUpTo.put(upTo, source.queryString("SELECT count(*) || ':' || md5(string_agg(id || batch || at::text, ',' ORDER BY id)) "
                + "FROM marks WHERE id <= " + upTo));
    }

    @AfterAll
    void cleanUp() throws IOException {
        if (ws != null) {
            ws.close();
        }
    }

    @Test
    void restoresTheLatestStateAfterTheClusterIsDestroyed() throws Exception {
        verifyRestore("latest", 500);
    }

    @Test
    void recoversToATimeBetweenTwoWrites() throws Exception {
        verifyRestore("time", 100, "--recovery-target-time", targetTime);
    }

    @Test
    void recoversToANamedRestorePoint() throws Exception {
        verifyRestore("name", 200, "--recovery-target-name", "after_b");
    }

    @Test
    void recoversToATransactionId() throws Exception {
        verifyRestore("xid", 300, "--recovery-target-xid", targetXid);
    }

    /** With prefetching off, so that every segment recovery asks for is a wal-fetch of its own. */
    @Test
    void recoversToAnLsn() throws Exception {
        verifyRestore("lsn", 400, ws.configWith("walkeeper-no-prefetch.json", Map.of("WALKEEPER_PREFETCH", "0")),
                "--recovery-target-lsn", targetLsn);
    }

    private void verifyRestore(String label, int expectedUpTo, String... targetArgs) throws Exception {
        verifyRestore(label, expectedUpTo, config, targetArgs);
    }

    private void verifyRestore(String label, int expectedUpTo, Path configFile, String... targetArgs) throws Exception {
        Path dest = work.resolve("restore-" + label);
        Path tablespace = work.resolve("ts-" + label);
        String[] args = Stream.concat(Stream.of("--config", configFile.toString(), "backup-fetch", dest.toString(), "LATEST",
                "--recovery-target-action", "promote", "--tablespace-mapping", tablespaceOid + "=" + tablespace),
                Stream.of(targetArgs)).toArray(String[]::new);
        CliHarness.Result fetch = cli.run(args);
        assertEquals(0, fetch.exitCode(), fetch.toString());
        assertTrue(Files.exists(dest.resolve("recovery.signal")), "recovery.signal written");
        String auto = Files.readString(dest.resolve("postgresql.auto.conf"));
        assertTrue(auto.contains("restore_command = '") && auto.contains(configFile.toString()), auto);
        // keep the restored server from archiving a new timeline into the repository the other restores read
        Files.writeString(dest.resolve("postgresql.auto.conf"), "archive_mode = off\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        assertTrue(Files.isSymbolicLink(dest.resolve("pg_tblspc/" + tablespaceOid)), "tablespace link");
        assertTrue(Files.readString(dest.resolve("tablespace_map")).startsWith(tablespaceOid + " " + tablespace),
                "tablespace_map points at the new location");
        PostgresCluster.fixOwnership(tablespace);
        try (PostgresCluster restored = PostgresCluster.existing(dest, binDir, 0)) {
            restored.start();
            awaitRecoveryEnd(restored);
            SortedMap<String, String> others = new TreeMap<>(restored.fingerprint());
            others.keySet().removeIf(k -> k.endsWith(".marks"));
            assertEquals(otherTables, others, "tables other than marks in the " + label + " restore");
            String marks = restored.queryString("SELECT count(*) || ':' || md5(string_agg(id || batch || at::text, ',' ORDER BY id)) FROM marks");
            assertEquals(marksUpTo.get(expectedUpTo), marks, label + " restore must hold exactly the rows up to id " + expectedUpTo);
            assertEquals(expectedUpTo, restored.queryLong("SELECT max(id) FROM marks"));
            assertEquals(tablespace.toString(), restored.queryString("SELECT pg_tablespace_location(oid) FROM pg_tablespace "
                    + "WHERE spcname = 'ts1'"));
            assertEquals(0, restored.queryLong("SELECT count(*) FROM scratch"), "an unlogged table comes back empty");
        }
    }

    static void awaitRecoveryEnd(PostgresCluster pg) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(180);
        while (pg.queryString("SELECT pg_is_in_recovery()::text").equals("true")) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("recovery did not finish:\n" + pg.logTail(60));
            }
            Thread.sleep(200);
        }
    }

    static void awaitArchived(Path repo, String segment) throws InterruptedException, IOException {
        Instant deadline = Instant.now().plusSeconds(120);
        while (true) {
            if (Files.isDirectory(repo.resolve("wal"))) {
                try (Stream<Path> s = Files.list(repo.resolve("wal"))) {
                    if (s.anyMatch(p -> p.getFileName().toString().startsWith(segment))) {
                        return;
                    }
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(segment + " was not archived in time");
            }
            Thread.sleep(200);
        }
    }

    static void deleteTree(Path p) throws IOException {
        // a wal-push the archiver started just before the server stopped can outlive it by a
        // moment and still add a file: walk again until the tree is gone
        for (int attempt = 1; ; attempt++) {
            if (!Files.exists(p)) {
                return;
            }
            try (Stream<Path> s = Files.walk(p)) {
                for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(x);
                }
                return;
            } catch (DirectoryNotEmptyException | NoSuchFileException | UncheckedIOException e) {
                if (attempt >= 50) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted while deleting " + p, ie);
                }
            }
        }
    }
}
