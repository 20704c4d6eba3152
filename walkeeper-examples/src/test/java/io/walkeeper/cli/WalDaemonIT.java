package io.walkeeper.cli;

import io.walkeeper.api.WalFetchResult;
import io.walkeeper.core.WalKeeper;
import io.walkeeper.pgfixture.PgbenchRun;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resident archiver end to end with a real server whose {@code archive_command} is the
 * launcher's {@code wal-push}: {@code wal-daemon} runs as its own process beside the server and
 * archives the segments as they become ready, a second daemon for the same data directory is
 * refused, and after the daemon is killed with SIGKILL in the middle of a pgbench run,
 * {@code archive_command} archives on by itself and no segment is lost: every segment from the
 * first to the last is in the repository, equal to the server's own copy; a new daemon then takes
 * over from the file the killed one left, and stops cleanly on SIGTERM. The drain time per
 * segment with and without the daemon is printed.
 */
class WalDaemonIT {
    private CliWorkspace ws;
    private Path work;
    private CliHarness cli;
    private Path repo;
    private Path config;
    private PostgresCluster pg;
    private final List<CliHarness.Running> daemons = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        ws = new CliWorkspace("walkeeper-daemon-it");
        work = ws.work();
        cli = ws.cli();
        repo = ws.repo();
        config = ws.config();
        // every segment stays in pg_wal, so that each archived one can be compared with the server's own
        pg = ws.startSource(PostgresCluster.builder().setting("wal_keep_size", "2GB"), "data");
        pg.execute("CREATE TABLE t(id int, v text)");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (CliHarness.Running d : daemons) {
            d.kill();
        }
        if (pg != null) {
            daemonPid().ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            pg.close();
        }
        if (ws != null) {
            ws.close();
        }
    }

    private Path walDir() {
        return pg.dataDir().resolve("pg_wal");
    }

    private Optional<Long> daemonPid() {
        try {
            String text = Files.readString(walDir().resolve(WalDaemonCommand.PID_FILE), StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text.split(" ")[0]));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private CliHarness.Running startDaemon() throws Exception {
        return startDaemon(-1);
    }

    /** Starts a daemon and waits until it has written its process id, which is not {@code previous}. */
    private CliHarness.Running startDaemon(long previous) throws Exception {
        CliHarness.Running d = cli.startAsServerUser("--config", config.toString(), "wal-daemon", "--pgdata",
                pg.dataDir().toString(), "--poll-millis", "50");
        daemons.add(d);
        Instant deadline = Instant.now().plusSeconds(60);
        while (daemonPid().isEmpty() || daemonPid().get() == previous
                || !Files.readString(walDir().resolve(WalDaemonCommand.PID_FILE)).strip().contains(" ")) {
            assertTrue(Instant.now().isBefore(deadline), "the daemon did not start");
            Thread.sleep(50);
        }
        return d;
    }

    /** Writes {@code n} segments (a batch of rows, then a switch each) and waits until the last is archived. */
    private long writeSegmentsAndDrain(int n) throws Exception {
        long started = System.nanoTime();
        String last = null;
        for (int i = 0; i < n; i++) {
            pg.execute("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 2000) g");
            last = pg.queryString("SELECT pg_walfile_name(pg_switch_wal())");
        }
        ArchiveBackupPitrIT.awaitArchived(repo, last);
        return (System.nanoTime() - started) / 1_000_000;
    }

    private List<String> archivedSegments() throws IOException {
        try (Stream<Path> s = Files.list(repo.resolve("wal"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9A-F]{24}\\..*"))
                    .map(n -> n.substring(0, 24)).sorted().distinct().toList();
        }
    }

    /** Every segment from the first archived to {@code last} is in the repository and equals the server's copy. */
    private int assertNothingLost(String last) throws IOException {
        List<String> archived = archivedSegments();
        String first = archived.get(0);
        long from = Long.parseLong(first.substring(16), 16);
        long to = Long.parseLong(last.substring(16), 16);
        assertEquals(first.substring(0, 16), last.substring(0, 16), "one timeline, one log file");
        int compared = 0;
        try (WalKeeper wk = WalKeeper.builder().storage(URI.create("file://" + repo), Map.of()).build()) {
            for (long seg = from; seg <= to; seg++) {
                String name = first.substring(0, 16) + String.format("%08X", seg);
                assertTrue(archived.contains(name), name + " is missing from the archive: " + archived);
                Path fetched = work.resolve("fetched-" + name);
                assertEquals(WalFetchResult.FETCHED, wk.walArchiver().fetch(name, fetched), name);
                Path source = walDir().resolve(name);
                if (Files.exists(source)) {
                    assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(fetched), name + " equals the server's copy");
                    compared++;
                }
                Files.delete(fetched);
            }
        }
        return compared;
    }

    @Test
    void theDaemonArchivesEverySegmentAndAKilledDaemonLosesNothing() throws Exception {
        writeSegmentsAndDrain(2); // warm up: the first archive_command calls
        int n = 12;
        long without = writeSegmentsAndDrain(n);

        CliHarness.Running daemon = startDaemon();
        long pid = daemonPid().orElseThrow();
        CliHarness.Result second = cli.startAsServerUser("--config", config.toString(), "wal-daemon", "--pgdata",
                pg.dataDir().toString()).await();
        assertEquals(10, second.exitCode(), "a second daemon for the same data directory is refused: " + second);
        assertTrue(second.stderr().contains("Another wal-daemon (process " + pid + ")"), second.stderr());

        writeSegmentsAndDrain(2); // warm up with the daemon
        long with = writeSegmentsAndDrain(n);
        System.out.printf("WalDaemonIT: %d segments drained in %d ms without the daemon (%.1f ms/segment), "
                + "%d ms with it (%.1f ms/segment)%n", n, without, (double) without / n, with, (double) with / n);

        // pgbench writes while segments switch; the daemon is killed (SIGKILL) in the middle
        pg.pgbenchInit(5);
        PgbenchRun bench = pg.pgbenchStart(2, 12);
        for (int i = 0; i < 6; i++) {
            pg.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            Thread.sleep(300);
        }
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false), "the daemon was running");
        String last = null;
        for (int i = 0; i < 8; i++) {
            pg.execute("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 2000) g");
            last = pg.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            Thread.sleep(300);
        }
        DeltaItSupport.endLoad(pg, bench);
        last = pg.queryString("SELECT pg_walfile_name(pg_switch_wal())");
        ArchiveBackupPitrIT.awaitArchived(repo, last);
        int compared = assertNothingLost(last);
        assertTrue(compared >= 20, "compared " + compared + " segments with the server's copies");
        String log = daemon.await().stderr();
        assertTrue(log.contains("(markers: on)"), "the daemon wrote markers the launcher reads:\n" + log);
        long daemonArchived = log.lines().filter(l -> l.contains(" Archived ")).count();
        assertTrue(daemonArchived >= n, "the daemon archived " + daemonArchived + " segments:\n" + log);
        System.out.printf("WalDaemonIT: the daemon archived %d segments before it was killed; %d segments compared%n",
                daemonArchived, compared);

        // the killed daemon left its process-id file behind: a new one takes over all the same
        CliHarness.Running again = startDaemon(pid);
        assertTrue(daemonPid().orElseThrow() != pid, "a new daemon runs");
        String after = null;
        for (int i = 0; i < 4; i++) {
            pg.execute("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 2000) g");
            after = pg.queryString("SELECT pg_walfile_name(pg_switch_wal())");
        }
        ArchiveBackupPitrIT.awaitArchived(repo, after);
        assertNothingLost(after);
        long newPid = daemonPid().orElseThrow();
        assertTrue(ProcessHandle.of(newPid).map(ProcessHandle::destroy).orElse(false), "the new daemon was running");
        String againLog = again.await().stderr();
        assertTrue(againLog.contains(" Archived "), "the new daemon archived segments:\n" + againLog);
        assertTrue(againLog.contains("Stopped watching"), "SIGTERM stops it cleanly:\n" + againLog);
        assertTrue(Files.notExists(walDir().resolve(WalDaemonCommand.PID_FILE)), "a daemon that stops removes its file");
    }
}
