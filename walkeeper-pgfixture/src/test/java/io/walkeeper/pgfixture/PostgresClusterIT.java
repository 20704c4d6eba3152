package io.walkeeper.pgfixture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class PostgresClusterIT {

    @Test
    void initStartLoadFingerprintStop() {
        try (PostgresCluster pg = PostgresCluster.builder().build()) {
            pg.initdb().start();
            assertTrue(pg.isRunning());
            assertEquals("on", pg.queryString("SHOW data_checksums"));
            assertEquals("off", pg.queryString("SHOW archive_mode"));
            assertEquals(PgBinaries.majorVersion(pg.binDir()), pg.majorVersion());

            pg.pgbenchInit(1);
            pg.execute("CREATE UNLOGGED TABLE scratch (id int)");
            pg.execute("CREATE DATABASE other");
            pg.execute("other", "CREATE TABLE public.t AS SELECT g AS id FROM generate_series(1, 10) g");

            SortedMap<String, String> fingerprint = pg.fingerprint();
            assertTrue(fingerprint.get("postgres.public.pgbench_accounts").startsWith("100000:"), fingerprint::toString);
            assertTrue(fingerprint.get("other.public.t").startsWith("10:"), fingerprint::toString);
            assertFalse(fingerprint.containsKey("postgres.public.scratch"));
            assertEquals(List.of("postgres.public.scratch"), List.copyOf(pg.unloggedTables()));
            assertEquals(List.of("other", "postgres"), pg.databases());
            assertEquals("10\n55", pg.psql("other", "SELECT count(*) FROM t;\nSELECT sum(id) FROM t;\n").trim());

            PgbenchResult run = pg.pgbenchRun(2, 2);
            assertTrue(run.transactions() > 0, run::output);

            pg.stop();
            assertFalse(pg.isRunning());
            assertTrue(pg.logTail(200).contains("database system is shut down"), () -> pg.logTail(50));
        }
    }

    @Test
    void archivesWalAndSurvivesCrashAndCopy() throws Exception {
        Path work = Files.createTempDirectory("walkeeper-it-");
        try (PostgresCluster pg = PostgresCluster.builder().walSegmentSizeMb(1).setting("archive_timeout", "1s")
                .build()) {
            Path archive = Files.createDirectories(work.resolve("archive"));
            pg.grantToPostgresUser(work);
            pg.archiveCommand("test ! -f " + archive + "/%f && cp %p " + archive + "/%f").initdb().start();
            assertEquals("on", pg.queryString("SHOW archive_mode"));
            assertEquals("1MB", pg.queryString("SHOW wal_segment_size"));
            pg.pgbenchInit(1);

            try (PgbenchRun load = pg.pgbenchStart(2, 60)) {
                Thread.sleep(1500);
                assertTrue(load.isAlive());
                load.stop();
                assertFalse(load.isAlive());
            }
            pg.queryString("SELECT pg_switch_wal()::text");
            long archived = waitForArchivedSegments(pg, Duration.ofSeconds(60));
            assertTrue(archived > 0);
            assertTrue(Files.list(archive).findAny().isPresent());

            SortedMap<String, String> before = pg.fingerprint();
            pg.stopImmediate();
            pg.start();
            assertEquals(before, pg.fingerprint());
            pg.stop();

            // a copy written by this JVM's user, started through existing(): ownership is fixed
            Path copy = work.resolve("copy");
            CommandRunner.run(List.of("cp", "-r", pg.dataDir().toString(), copy.toString()), Duration.ofMinutes(2));
            try (PostgresCluster restored = PostgresCluster.existing(copy, pg.binDir(), 0)) {
                restored.start();
                assertEquals(before, restored.fingerprint());
                assertEquals("off", restored.queryString("SHOW archive_mode"));
                assertThrows(ClusterException.class, restored::initdb);
            }
            assertTrue(Files.isDirectory(copy), "a supplied data directory is kept");
        } finally {
            FileTrees.deleteRecursively(work);
        }
    }

    private static long waitForArchivedSegments(PostgresCluster pg, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long archived = 0;
        while (System.nanoTime() < deadline) {
            archived = pg.queryLong("SELECT archived_count FROM pg_stat_archiver");
            if (archived > 0) {
                return archived;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no WAL segment archived within " + timeout + "; log:\n" + pg.logTail(40));
    }
}
