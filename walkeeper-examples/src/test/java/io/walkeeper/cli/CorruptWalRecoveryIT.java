package io.walkeeper.cli;

import io.walkeeper.pgfixture.ClusterException;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SortedMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A corrupt archived segment in the middle of a restore to the latest point: wal-fetch must make
 * PostgreSQL stop recovery (exit status above 125), not let it take the corrupt segment for the
 * end of the archive, promote and fork a timeline without the later transactions. Once the object
 * is repaired, starting again resumes recovery and every row is there.
 */
class CorruptWalRecoveryIT {
    private CliWorkspace ws;
    private Path work;
    private CliHarness cli;
    private Path config;
    private Path repo;

    @BeforeEach
    void setUp() throws Exception {
        ws = new CliWorkspace("walkeeper-corrupt-wal-it");
        work = ws.work();
        cli = ws.cli();
        repo = ws.repo();
        config = ws.config();
    }

    @AfterEach
    void tearDown() throws Exception {
        ws.close();
    }

    /** Waits until the server has stopped; fails if it ends recovery and runs as a primary instead. */
    private static void awaitStopped(PostgresCluster pg) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(120);
        while (pg.isRunning()) {
            try {
                assertEquals("true", pg.queryString("SELECT pg_is_in_recovery()::text"),
                        "recovery ended past the corrupt segment:\n" + pg.logTail(60));
            } catch (ClusterException goingDown) {
                // the server is shutting down after the failed restore
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the server neither stopped nor promoted:\n" + pg.logTail(60));
            }
            Thread.sleep(200);
        }
    }

    @Test
    void aFlippedByteInAnArchivedSegmentStopsRecoveryInsteadOfEndingItEarly() throws Exception {
        Path bin;
        SortedMap<String, String> expected;
        String corruptSegment = null;
        try (PostgresCluster source = ws.startSource("source")) {
            bin = source.binDir();
            source.execute("CREATE TABLE t(id int PRIMARY KEY, v text)");
            ws.pointAt(source);
            CliHarness.Result push = cli.run("--config", config.toString(), "backup-push", source.dataDir().toString());
            assertEquals(0, push.exitCode(), push.toString());
            for (int batch = 0; batch < 3; batch++) {
                source.execute("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(" + (batch * 1000 + 1) + ", "
                        + (batch * 1000 + 1000) + ") g");
                String seg = source.queryString("SELECT pg_walfile_name(pg_current_wal_lsn())");
                if (batch == 1) {
                    corruptSegment = seg; // a segment in the middle of what recovery replays
                }
                source.execute("SELECT pg_switch_wal()");
            }
            source.execute("INSERT INTO t SELECT g, 'late' FROM generate_series(5001, 6000) g");
            expected = source.fingerprint();
            String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            ArchiveBackupPitrIT.awaitArchived(repo, last);
            // push-ahead stores ready segments in parallel, so the last can arrive before the one corrupted below
            ArchiveBackupPitrIT.awaitArchived(repo, corruptSegment);
            source.stopImmediate();
        }
        Path object;
        try (Stream<Path> s = Files.list(repo.resolve("wal"))) {
            String seg = corruptSegment;
            object = s.filter(p -> p.getFileName().toString().startsWith(seg)).findFirst().orElseThrow();
        }
        byte[] original = Files.readAllBytes(object);
        byte[] flipped = original.clone();
        flipped[flipped.length / 2] ^= 0x40;
        Files.write(object, flipped);

        Path dest = work.resolve("restored");
        CliHarness.Result fetch = cli.run("--config", config.toString(), "backup-fetch", dest.toString(), "LATEST");
        assertEquals(0, fetch.exitCode(), fetch.toString());
        try (PostgresCluster restored = PostgresCluster.existing(dest, bin, 0)) {
            try {
                restored.start(); // pg_ctl returns once the server accepts read-only connections, before the bad segment
            } catch (ClusterException stoppedBeforeThat) {
                // it may also have stopped before accepting connections
            }
            awaitStopped(restored);
            String log = restored.logTail(300);
            assertTrue(log.contains("exit code 200"), "PostgreSQL aborted recovery on wal-fetch's status:\n" + log);
            assertTrue(log.contains(corruptSegment) && log.contains("recovery must stop here"), log);
            assertFalse(log.contains("selected new timeline ID"), "recovery did not end early and promote:\n" + log);
            assertFalse(Files.exists(dest.resolve("pg_wal/00000002.history")), "no new timeline was forked");

            Files.write(object, original);
            restored.start();
            ArchiveBackupPitrIT.awaitRecoveryEnd(restored);
            assertEquals(expected, restored.fingerprint());
            assertEquals(4000, restored.queryLong("SELECT count(*) FROM t"));
        }
        assertArrayEquals(original, Files.readAllBytes(object));
    }
}
