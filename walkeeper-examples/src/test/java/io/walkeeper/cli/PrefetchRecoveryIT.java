package io.walkeeper.cli;

import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery through more than 30 archived segments with {@code restore_command} = the launcher's
 * {@code wal-fetch}: with prefetching on (the default), the background fetcher keeps the spool
 * ahead and the launcher serves the segments without a JVM; on request with it off, where
 * every segment is a JVM; and with the fetcher killed ({@code kill -9}) in the middle of
 * recovery, wal-fetch fetches directly and starts a new one. Each time the restored data equals the source's. The recovery
 * times are printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrefetchRecoveryIT {
    private static final int BATCHES = 36;
    private static final Pattern STAMP = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3})");
    private static final Pattern RESTORED = Pattern.compile("restored log file \"([0-9A-F]{24})\" from archive");

    private Path work;
    private CliHarness cli;
    private Path config;
    private Path configOff;
    private Path binDir;
    private SortedMap<String, String> expected;
    private long expectedRows;

    @BeforeAll
    void archiveManySegments() throws Exception {
        work = Files.createTempDirectory("walkeeper-prefetch-it");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        cli = new CliHarness(work.resolve("cli"));
        Path repo = Files.createDirectories(work.resolve("repo"));
        config = work.resolve("walkeeper.json");
        Files.writeString(config, "{\"WALKEEPER_STORAGE\": \"file://" + repo + "\"}\n");
        configOff = work.resolve("walkeeper-no-prefetch.json");
        Files.writeString(configOff, "{\"WALKEEPER_STORAGE\": \"file://" + repo + "\", \"WALKEEPER_PREFETCH\": \"0\"}\n");
        for (Path c : List.of(config, configOff)) {
            Files.setPosixFilePermissions(c, PosixFilePermissions.fromString("rw-r--r--"));
        }
        try (PostgresCluster source = PostgresCluster.builder().dataDir(work.resolve("source")).build()) {
            binDir = source.binDir();
            source.grantToPostgresUser(repo);
            source.archiveCommand("'" + cli.launcher() + "' --config '" + config + "' wal-push %p");
            source.initdb().start();
            source.execute("CREATE TABLE t(id int PRIMARY KEY, batch int, v text)");
            cli.env("PGHOST", "127.0.0.1").env("PGPORT", Integer.toString(source.port())).env("PGUSER", "postgres");
            CliHarness.Result push = cli.run("--config", config.toString(), "backup-push", source.dataDir().toString());
            assertEquals(0, push.exitCode(), push.toString());
            // a segment each: rows that replay must bring back, then a switch to the next segment
            for (int batch = 0; batch < BATCHES; batch++) {
                source.execute("INSERT INTO t SELECT g, " + batch + ", md5(g::text) FROM generate_series("
                        + (batch * 5000 + 1) + ", " + (batch * 5000 + 5000) + ") g");
                source.execute("SELECT pg_switch_wal()");
            }
            source.execute("UPDATE t SET v = v || 'x' WHERE id % 7 = 0");
            expected = source.fingerprint();
            expectedRows = source.queryLong("SELECT count(*) FROM t");
            String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            ArchiveBackupPitrIT.awaitArchived(repo, last);
            source.stopImmediate();
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        ArchiveBackupPitrIT.deleteTree(work);
    }

    /** Restores the latest backup with the given configuration, starts it, waits for the end of recovery. */
    private Recovery restoreAndRecover(String name, Path configFile, FetcherKiller killer) throws Exception {
        Path dest = work.resolve(name);
        CliHarness.Result fetch = cli.run("--config", configFile.toString(), "backup-fetch", dest.toString(), "LATEST");
        assertEquals(0, fetch.exitCode(), fetch.toString());
        try (PostgresCluster restored = PostgresCluster.existing(dest, binDir, 0)) {
            Thread watcher = null;
            if (killer != null) {
                watcher = new Thread(() -> killer.watch(dest), "fetcher-killer");
                watcher.setDaemon(true);
                watcher.start();
            }
            // the clusters of this test share one log file: read only what this one writes
            long logStart = Files.exists(restored.logFile()) ? Files.size(restored.logFile()) : 0;
            long started = System.nanoTime();
            restored.start();
            ArchiveBackupPitrIT.awaitRecoveryEnd(restored);
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (killer != null) {
                killer.stop.set(true);
                watcher.join(10_000);
            }
            assertEquals(expected, restored.fingerprint(), name + ": the restored data equals the source's");
            assertEquals(expectedRows, restored.queryLong("SELECT count(*) FROM t"));
            String log = readFrom(restored.logFile(), logStart);
            List<String> segments = new ArrayList<>();
            List<LocalDateTime> times = new ArrayList<>();
            for (Matcher m = RESTORED.matcher(log); m.find(); ) {
                segments.add(m.group(1));
                Matcher t = STAMP.matcher(log.substring(log.lastIndexOf('\n', m.start()) + 1, m.start()));
                if (t.find()) {
                    times.add(LocalDateTime.parse(t.group(1).replace(' ', 'T')));
                }
            }
            assertTrue(segments.size() >= 30, name + ": recovery replayed " + segments.size() + " archived segments:\n"
                    + restored.logTail(40));
            assertFalse(log.contains("exit code 200"), log);
            awaitSpoolGone(dest, name);
            restored.stop();
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < times.size(); i++) {
                gaps.add(Duration.between(times.get(i - 1), times.get(i)).toMillis());
            }
            gaps.sort(null);
            return new Recovery(segments.size(), millis, gaps.isEmpty() ? 0 : gaps.get(gaps.size() / 2));
        }
    }

    private static String readFrom(Path file, long offset) throws IOException {
        byte[] all = Files.readAllBytes(file);
        return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset), StandardCharsets.UTF_8);
    }

    /** Once recovery has ended the fetcher removes its spool (or the first wal-push does, if it was killed). */
    private static void awaitSpoolGone(Path dest, String name) throws InterruptedException {
        Path spools = dest.resolve("pg_wal/" + PrefetchSpool.DIR);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Files.exists(spools)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(name + ": the prefetch spool " + spools + " outlived recovery");
            }
            Thread.sleep(100);
        }
    }

    /** @param medianMillis the median time between two segments restored, from the server log */
    private record Recovery(int segments, long millis, long medianMillis) {
    }

    /**
     * With {@code -Dwalkeeper.prefetch.compare=true} the same recovery is also run with prefetching
     * off, and both times printed; scripts/bench.sh measures that against the peers, and
     * ArchiveBackupPitrIT recovers with prefetching off in every build.
     */
    @Test
    void recoveryWithPrefetchEqualsTheSource() throws Exception {
        FetcherKiller seen = new FetcherKiller(false);
        Recovery on = restoreAndRecover("restored-on", config, seen);
        assertTrue(seen.fetchers.size() >= 1, "a background fetcher ran during recovery");
        System.out.printf("PrefetchRecoveryIT: recovery through %d archived segments took %d ms with WALKEEPER_PREFETCH=8 "
                + "(%.3f s/segment overall, median %d ms between segments)%n", on.segments(), on.millis(),
                on.millis() / 1000.0 / on.segments(), on.medianMillis());
        if (Boolean.getBoolean("walkeeper.prefetch.compare")) {
            Recovery off = restoreAndRecover("restored-off", configOff, null);
            System.out.printf("PrefetchRecoveryIT: and %d ms through %d segments with prefetching off (%.3f s/segment, "
                    + "median %d ms)%n", off.millis(), off.segments(), off.millis() / 1000.0 / off.segments(), off.medianMillis());
        }
    }

    @Test
    void aFetcherKilledMidRecoveryLosesNothing() throws Exception {
        FetcherKiller killer = new FetcherKiller(true);
        Recovery r = restoreAndRecover("restored-killed", config, killer);
        assertTrue(killer.killed.get(), "the fetcher was killed while it ran, after it had spooled a segment");
        System.out.printf("PrefetchRecoveryIT: with the fetcher killed mid-recovery, %d segments in %d ms; fetchers seen: %s%n",
                r.segments(), r.millis(), killer.fetchers);
    }

    /** Watches the spool for the fetcher's process id (in its lock file); kills the first one with SIGKILL if asked. */
    private static final class FetcherKiller {
        final boolean kill;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean killed = new AtomicBoolean();
        final List<Long> fetchers = new java.util.concurrent.CopyOnWriteArrayList<>();

        FetcherKiller(boolean kill) {
            this.kill = kill;
        }

        void watch(Path dest) {
            Path spools = dest.resolve("pg_wal/" + PrefetchSpool.DIR);
            while (!stop.get()) {
                try {
                    Optional<Path> spool = firstDirectory(spools);
                    if (spool.isPresent()) {
                        long pid = pid(spool.get().resolve(PrefetchSpool.LOCK));
                        if (pid > 0 && !fetchers.contains(pid)) {
                            fetchers.add(pid);
                        }
                        if (kill && !killed.get() && pid > 0 && hasSegment(spool.get())) {
                            Optional<ProcessHandle> p = ProcessHandle.of(pid);
                            if (p.isPresent() && p.get().isAlive() && p.get().info().command().orElse("").contains("java")) {
                                p.get().destroyForcibly(); // SIGKILL
                                killed.set(true);
                            }
                        }
                    }
                    Thread.sleep(5);
                } catch (IOException | RuntimeException raced) {
                    // the spool changes under us; look again
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static Optional<Path> firstDirectory(Path dir) throws IOException {
            if (!Files.isDirectory(dir)) {
                return Optional.empty();
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    if (Files.isDirectory(p)) {
                        return Optional.of(p);
                    }
                }
            }
            return Optional.empty();
        }

        private static long pid(Path lock) throws IOException {
            if (!Files.isRegularFile(lock)) {
                return 0;
            }
            String s = Files.readString(lock, StandardCharsets.US_ASCII).trim();
            return s.matches("[0-9]+") ? Long.parseLong(s) : 0;
        }

        private static boolean hasSegment(Path spool) throws IOException {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(spool, "[0-9A-F]*")) {
                return ds.iterator().hasNext();
            }
        }
    }
}
