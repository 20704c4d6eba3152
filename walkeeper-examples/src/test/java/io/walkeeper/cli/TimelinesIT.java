package io.walkeeper.cli;

import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Timelines end to end, through the CLI as PostgreSQL and a DBA run it. A primary archives on
 * timeline 1 and is backed up. A copy is restored from the archive plus the primary's last,
 * unarchived segment (what a standby that was cut off mid-segment holds), and promoted: it forks
 * timeline 2, archives {@code 00000002.history} and its cut segment of timeline 1 as
 * {@code .partial}. The old primary goes on for a moment and archives that segment complete, with
 * rows timeline 2 never saw; timeline 2 gets rows of its own. Then the one backup is restored four
 * ways and the data compared with fingerprints taken at each target: to the latest point (timeline
 * 2, through the archived history file), to a restore point on timeline 1 before the switch
 * ({@code --recovery-target-timeline current}), to the old primary's last restore point
 * ({@code --recovery-target-timeline 1}, which only the complete segment holds: the
 * {@code .partial} is never used in its place), and to a time on timeline 2. wal-fetch of a
 * history file the archive lacks exits "not found" (4), never an error.
 */
class TimelinesIT {
    private static final int WAL_FETCH_NOT_FOUND = 4;
    private CliWorkspace ws;
    private Path work;
    private CliHarness cli;

    /** One workspace for each major: its own repository, configuration and harness. */
    @BeforeEach
    void setUp() throws IOException {
        ws = new CliWorkspace("walkeeper-timelines-it");
        work = ws.work();
        cli = ws.cli();
    }

    @AfterEach
    void cleanUp() throws IOException {
        ws.close();
    }

    /**
     * The majors to run: 17, or those listed in {@code -Dwalkeeper.timelines.majors} (e.g.
     * {@code 12,17}). PgVersionMatrixIT archives, backs up and recovers on every major in each build.
     */
    static IntStream majors() {
        return Arrays.stream(System.getProperty("walkeeper.timelines.majors", "17").split(","))
                .mapToInt(m -> Integer.parseInt(m.trim()));
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("majors")
    void restoresAlongEitherTimeline(int major) throws Exception {
        long started = System.nanoTime();
        Path bin = TestBinaries.forMajor(major);
        Path repo = ws.repo();
        Path config = ws.config();
        String archiveCommand = ws.archiveCommand();

        SortedMap<String, String> beforeSwitch;
        SortedMap<String, String> oldPrimary;
        SortedMap<String, String> atTimeOnTwo;
        SortedMap<String, String> latest;
        String cutSegment;
        String tl2Time;
        byte[] salvaged;
        String history;
        Path promotedDir = work.resolve("promoted");
        try (PostgresCluster primary = ws.startSource(PostgresCluster.builder().binDir(bin), "primary")) {
            assertEquals(major, primary.majorVersion());
            primary.execute("CREATE TABLE rows(id int PRIMARY KEY, tl int NOT NULL)");
            ws.pointAt(primary);
            CliHarness.Result push = cli.run("--config", config.toString(), "backup-push", "--full",
                    primary.dataDir().toString());
            assertEquals(0, push.exitCode(), push.toString());

            primary.execute("INSERT INTO rows SELECT g, 1 FROM generate_series(1, 100) g");
            primary.execute("SELECT pg_create_restore_point('tl1_before_switch')");
            beforeSwitch = primary.fingerprint();
            primary.execute("INSERT INTO rows SELECT g, 1 FROM generate_series(101, 200) g");
            // what a standby cut off here holds: the primary's current segment, not archived yet
            cutSegment = primary.queryString("SELECT pg_walfile_name(pg_current_wal_lsn())");
            salvaged = Files.readAllBytes(primary.dataDir().resolve("pg_wal").resolve(cutSegment));

            CliHarness.Result fetch = cli.run("--config", config.toString(), "backup-fetch", promotedDir.toString(), "LATEST");
            assertEquals(0, fetch.exitCode(), fetch.toString());
            Files.write(promotedDir.resolve("pg_wal").resolve(cutSegment), salvaged);
            try (PostgresCluster promoted = PostgresCluster.existing(promotedDir, bin, 0)) {
                promoted.archiveCommand(archiveCommand);
                promoted.start();
                ArchiveBackupPitrIT.awaitRecoveryEnd(promoted);
                assertEquals("00000002", promoted.queryString("SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)"));
                assertEquals(200, promoted.queryLong("SELECT count(*) FROM rows"), "the cut segment was replayed");
                awaitObject(repo, "00000002.history");
                awaitObject(repo, cutSegment + ".partial");
                assertFalse(hasObject(repo, cutSegment), "the primary has not archived " + cutSegment + " yet");
                CliHarness.Result onlyPartial = cli.run("--config", config.toString(), "wal-fetch", cutSegment,
                        work.resolve("only-partial").toString());
                assertEquals(WAL_FETCH_NOT_FOUND, onlyPartial.exitCode(), "a .partial is no complete segment: " + onlyPartial);
                history = Files.readString(promotedDir.resolve("pg_wal/00000002.history"));

                // the old primary goes on and archives the segment complete: rows timeline 2 never sees
                primary.execute("INSERT INTO rows SELECT g, 1 FROM generate_series(1001, 1100) g");
                primary.execute("SELECT pg_create_restore_point('tl1_old_primary')");
                oldPrimary = primary.fingerprint();
                assertEquals(cutSegment, primary.queryString("SELECT pg_walfile_name(pg_switch_wal())"));
                awaitObject(repo, cutSegment);
                primary.stopImmediate();

                promoted.execute("INSERT INTO rows SELECT g, 2 FROM generate_series(2001, 2100) g");
                tl2Time = promoted.queryString("SELECT clock_timestamp()::text");
                atTimeOnTwo = promoted.fingerprint();
                Thread.sleep(20);
                promoted.execute("INSERT INTO rows SELECT g, 2 FROM generate_series(3001, 3100) g");
                latest = promoted.fingerprint();
                String last = promoted.queryString("SELECT pg_walfile_name(pg_switch_wal())");
                awaitObject(repo, last);
                promoted.stopImmediate();
            }
        }
        assertTrue(history.startsWith("1\t"), history);

        long restoresFrom = System.nanoTime();
        // the wal-fetch checks and four restores of the one backup, side by side
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<?>> checks = new ArrayList<>();
            // wal-fetch: history files, a missing one, and the complete segment beside its .partial
            checks.add(pool.submit(() -> {
                Path fetched = Files.createDirectories(work.resolve("fetched"));
                CliHarness.Result h = cli.run("--config", config.toString(), "wal-fetch", "00000002.history",
                        fetched.resolve("h").toString());
                assertEquals(0, h.exitCode(), h.toString());
                assertEquals(history, Files.readString(fetched.resolve("h")));
                CliHarness.Result missing = cli.run("--config", config.toString(), "wal-fetch", "00000003.history",
                        fetched.resolve("missing").toString());
                assertEquals(WAL_FETCH_NOT_FOUND, missing.exitCode(), missing.toString());
                assertFalse(Files.exists(fetched.resolve("missing")));
                CliHarness.Result partial = cli.run("--config", config.toString(), "wal-fetch", cutSegment + ".partial",
                        fetched.resolve("partial").toString());
                assertEquals(0, partial.exitCode(), partial.toString());
                assertTrue(Arrays.equals(salvaged, Files.readAllBytes(fetched.resolve("partial"))),
                        "the .partial is the cut segment as the promoted server had it");
                CliHarness.Result complete = cli.run("--config", config.toString(), "wal-fetch", cutSegment,
                        fetched.resolve("complete").toString());
                assertEquals(0, complete.exitCode(), complete.toString());
                assertFalse(Arrays.equals(salvaged, Files.readAllBytes(fetched.resolve("complete"))),
                        "wal-fetch " + cutSegment + " gives the complete segment, not the .partial");
                return null;
            }));
            // (a) the latest point: timeline 2, found through the archived history file
            checks.add(pool.submit(() -> {
                try (PostgresCluster r = restore(bin, work.resolve("latest"), config)) {
                    assertEquals(latest, r.fingerprint());
                    assertEquals(200 + 200, r.queryLong("SELECT count(*) FROM rows"));
                    assertTrue(r.logTail(400).contains("restored log file \"00000002.history\" from archive"), r.logTail(60));
                }
                return null;
            }));
            // (b) a restore point on timeline 1 before the switch, staying on the backup's timeline
            checks.add(pool.submit(() -> {
                try (PostgresCluster r = restore(bin, work.resolve("before-switch"), config, "--recovery-target-name",
                        "tl1_before_switch", "--recovery-target-timeline", "current", "--recovery-target-action", "promote")) {
                    assertEquals(beforeSwitch, r.fingerprint());
                    assertEquals(100, r.queryLong("SELECT count(*) FROM rows"));
                }
                return null;
            }));
            // (b') the old primary's last restore point on timeline 1: only the complete segment holds it
            checks.add(pool.submit(() -> {
                try (PostgresCluster r = restore(bin, work.resolve("old-primary"), config, "--recovery-target-name",
                        "tl1_old_primary", "--recovery-target-timeline", "1", "--recovery-target-action", "promote")) {
                    assertEquals(oldPrimary, r.fingerprint());
                    assertEquals(0, r.queryLong("SELECT count(*) FROM rows WHERE tl = 2"));
                    assertTrue(r.logTail(400).contains("restored log file \"" + cutSegment + "\" from archive"), r.logTail(60));
                }
                return null;
            }));
            // (c) a time on timeline 2
            checks.add(pool.submit(() -> {
                try (PostgresCluster r = restore(bin, work.resolve("on-two"), config, "--recovery-target-time", tl2Time,
                        "--recovery-target-action", "promote")) {
                    assertEquals(atTimeOnTwo, r.fingerprint());
                    assertEquals(0, r.queryLong("SELECT count(*) FROM rows WHERE id > 1000 AND tl = 1"));
                }
                return null;
            }));
            for (Future<?> check : checks) {
                try {
                    check.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new AssertionError(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        // the history files stay; the progress of a confirmed delete goes to standard error
        CliHarness.Result garbage = cli.run("--config", config.toString(), "delete", "garbage", "--confirm", "--progress");
        assertEquals(0, garbage.exitCode(), garbage.toString());
        assertTrue(garbage.stderr().lines().anyMatch(l -> l.startsWith("delete garbage (") && l.contains("done in")),
                garbage.toString());
        assertTrue(hasObject(repo, "00000002.history"));
        System.out.printf("TimelinesIT: PostgreSQL %d: scenario %d ms, restores %d ms%n", major,
                (restoresFrom - started) / 1_000_000, (System.nanoTime() - restoresFrom) / 1_000_000);
    }

    /** Restores the latest backup with the given recovery options, starts it unarchived and waits for its promotion. */
    private PostgresCluster restore(Path bin, Path dir, Path config, String... options) throws Exception {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dest = dir.resolve("data"); // one directory each: the server log goes beside the data directory
        List<String> args = new ArrayList<>(List.of("--config", config.toString(), "backup-fetch", dest.toString(), "LATEST"));
        args.addAll(List.of(options));
        CliHarness.Result fetch = cli.run(args.toArray(String[]::new));
        assertEquals(0, fetch.exitCode(), fetch.toString());
        Files.writeString(dest.resolve("postgresql.auto.conf"), "archive_mode = off\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        PostgresCluster r = PostgresCluster.existing(dest, bin, 0);
        try {
            r.start();
            ArchiveBackupPitrIT.awaitRecoveryEnd(r);
            return r;
        } catch (RuntimeException | Error e) {
            r.close();
            throw e;
        }
    }

    /** Whether the archive holds {@code name} itself (any codec), not merely a name it begins (a .partial). */
    private static boolean hasObject(Path repo, String name) throws IOException {
        if (!Files.isDirectory(repo.resolve("wal"))) {
            return false;
        }
        try (Stream<Path> s = Files.list(repo.resolve("wal"))) {
            return s.map(p -> p.getFileName().toString()).anyMatch(f -> f.equals(name)
                    || f.startsWith(name + ".") && !f.startsWith(name + ".partial") && !f.endsWith(".tmp")
                    && !f.contains(".tmp-"));
        }
    }

    private static void awaitObject(Path repo, String name) throws Exception {
        Instant deadline = Instant.now().plusSeconds(120);
        while (!hasObject(repo, name)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(name + " was not archived in time");
            }
            Thread.sleep(100);
        }
    }
}
