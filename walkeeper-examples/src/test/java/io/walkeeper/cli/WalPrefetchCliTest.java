package io.walkeeper.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * wal-fetch with prefetching, in this JVM, against a file repository and a data directory in
 * recovery (no PostgreSQL): the first request starts the background fetcher (a real process),
 * which keeps exactly the next WALKEEPER_PREFETCH segments spooled; later requests are moved out
 * of the spool; a spool of another configuration identity is never used and is removed; history
 * files and missing segments are fetched directly with the usual exit codes and start nothing.
 */
class WalPrefetchCliTest {
    private static final long SEG = 1L << 20;
    private static final long SYSID = 7441012542342354944L;

    @TempDir
    Path dir;

    private Path config;
    private Path data;
    private Path walDir;
    private final Map<String, String> env = new HashMap<>();

    private record Run(int code, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        HostEnvironment host = new HostEnvironment(env, dir.resolve("home"), "alice",
                Launcher.script(Path.of("/opt/walkeeper/bin/walkeeper")));
        List<String> all = new java.util.ArrayList<>(List.of("--config", config.toString()));
        all.addAll(List.of(args));
        int code = WalKeeperCli.execute(all.toArray(String[]::new), host, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private static String seg(int n) {
        return String.format("00000001000000000000%04X", n);
    }

    @BeforeEach
    void archiveSixSegmentsAndPrepareARecovery() throws IOException {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        config = Files.writeString(dir.resolve("walkeeper.json"), "{\"WALKEEPER_STORAGE\": \"" + repo.toUri() + "\"}\n");
        Path source = Files.createDirectories(dir.resolve("source/pg_wal"));
        for (int n = 1; n <= 6; n++) {
            Path p = Files.write(source.resolve(seg(n)), segment(seg(n), n));
            Run r = run("wal-push", p.toString());
            assertEquals(0, r.code(), r.toString());
        }
        data = Files.createDirectories(dir.resolve("data"));
        walDir = Files.createDirectories(data.resolve("pg_wal"));
        Files.createFile(data.resolve("recovery.signal"));
    }

    /** Ends the recovery: the fetcher, if one runs, removes its spool and exits. */
    @AfterEach
    void endRecovery() throws Exception {
        Files.deleteIfExists(data.resolve("recovery.signal"));
        Path spools = walDir.resolve(PrefetchSpool.DIR);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Files.exists(spools) && Instant.now().isBefore(deadline)) {
            boolean running = false;
            for (Path d : list(spools)) {
                running |= new PrefetchSpool(walDir, d.getFileName().toString()).fetcherRunning();
            }
            if (!running) {
                PrefetchSpool.removeOthers(walDir, null);
                break;
            }
            Thread.sleep(50);
        }
    }

    private static List<Path> list(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    private Run fetch(String name) {
        return run("wal-fetch", name, walDir.resolve("RECOVERYXLOG").toString());
    }

    private void assertFetched(int n) throws IOException {
        Run r = fetch(seg(n));
        assertEquals(0, r.code(), r.toString());
        assertArrayEquals(segment(seg(n), n), Files.readAllBytes(walDir.resolve("RECOVERYXLOG")), seg(n));
    }

    /** The one spool directory, once it exists. */
    private Path spool() throws IOException {
        List<Path> spools = list(walDir.resolve(PrefetchSpool.DIR));
        assertEquals(1, spools.size(), spools.toString());
        return spools.get(0);
    }

    private List<String> spooledSegments(Path spool) throws IOException {
        return list(spool).stream().map(p -> p.getFileName().toString()).filter(PrefetchSpool::isSegment).toList();
    }

    /** Waits until the spool holds exactly these segments; it never holds more than {@code max}. */
    private void awaitSpooled(int max, String... names) throws Exception {
        Path spool = spool();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        List<String> now;
        while (!(now = spooledSegments(spool)).equals(List.of(names))) {
            assertTrue(now.size() <= max, "bounded spool: " + now);
            if (Instant.now().isAfter(deadline)) {
                Path log = spool.resolve(PrefetchSpool.LOG);
                throw new AssertionError("spool holds " + now + ", expected " + List.of(names) + "; fetcher log:\n"
                        + (Files.exists(log) ? Files.readString(log) : "(none)"));
            }
            Thread.sleep(20);
        }
    }

    @Test
    void theFetcherKeepsTheNextSegmentsSpooledAndWalFetchTakesThem() throws Exception {
        env.put("WALKEEPER_PREFETCH", "3");
        assertFetched(1); // not spooled: fetched directly, and the fetcher starts
        awaitSpooled(3, seg(2), seg(3), seg(4));
        Path spool = spool();
        assertTrue(new PrefetchSpool(walDir, spool.getFileName().toString()).fetcherRunning());
        assertFetched(2); // taken from the spool
        awaitSpooled(3, seg(3), seg(4), seg(5));
        assertFetched(3);
        assertFetched(4);
        awaitSpooled(3, seg(5), seg(6)); // the end of the archive
        assertFetched(5);
        assertFetched(6);
        Run missing = fetch(seg(7));
        assertEquals(4, missing.code(), missing.toString());
        try (Stream<Path> s = Files.list(walDir)) {
            assertEquals(List.of(PrefetchSpool.DIR, "RECOVERYXLOG"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "nothing else in pg_wal");
        }
    }

    @Test
    void aTimelineSwitchIsFollowedAndASegmentOfAnotherTimelineIsNeverServed() throws Exception {
        env.put("WALKEEPER_PREFETCH", "3");
        // timeline 2 branches off in segment 4; timeline 1 goes on to segment 6 as well
        Path source = dir.resolve("source/pg_wal");
        Path history = Files.writeString(source.resolve("00000002.history"), "1\t0/400A000\tno recovery target specified\n");
        assertEquals(0, run("wal-push", history.toString()).code());
        for (int n = 4; n <= 6; n++) {
            Run r = run("wal-push", Files.write(source.resolve(tl2(n)), segment(tl2(n), 100 + n)).toString());
            assertEquals(0, r.code(), r.toString());
        }
        assertFetched(1);
        awaitSpooled(3, seg(2), seg(3), seg(4)); // the fetcher follows the timeline of the request
        Run h = fetch("00000002.history");
        assertEquals(0, h.code(), h.toString());
        assertFetched(2);
        assertFetched(3);
        Run switched = fetch(tl2(4)); // not timeline 1's segment 4, which the spool holds
        assertEquals(0, switched.code(), switched.toString());
        assertArrayEquals(segment(tl2(4), 104), Files.readAllBytes(walDir.resolve("RECOVERYXLOG")));
        awaitSpooled(3, tl2(5), tl2(6)); // now timeline 2's, and timeline 1's are gone
        Run next = fetch(tl2(5));
        assertEquals(0, next.code(), next.toString());
        assertArrayEquals(segment(tl2(5), 105), Files.readAllBytes(walDir.resolve("RECOVERYXLOG")));
    }

    private static String tl2(int n) {
        return String.format("00000002000000000000%04X", n);
    }

    @Test
    void aSpoolOfAnotherConfigurationIsNeverUsedAndIsRemoved() throws Exception {
        Path other = Files.createDirectories(walDir.resolve(PrefetchSpool.DIR).resolve("0123456789abcdef0123456789abcdef"));
        Files.write(other.resolve(seg(2)), segment(seg(5), 5)); // a wrong file under the requested name
        assertFetched(2);
        assertFalse(Files.exists(other), "the other configuration's spool is gone");
    }

    @Test
    void historyFilesAndMissingSegmentsAreFetchedDirectlyAndStartNothing() throws Exception {
        Run history = fetch("00000002.history");
        assertEquals(4, history.code(), history.toString());
        Run missing = fetch(seg(9));
        assertEquals(4, missing.code(), missing.toString());
        assertFalse(Files.exists(walDir.resolve(PrefetchSpool.DIR)), "no spool, no fetcher");
    }

    @Test
    void offOrOutsideRecoveryNothingIsSpooled() throws Exception {
        env.put("WALKEEPER_PREFETCH", "0");
        assertFetched(1);
        assertFalse(Files.exists(walDir.resolve(PrefetchSpool.DIR)));
        env.remove("WALKEEPER_PREFETCH");
        Files.delete(data.resolve("recovery.signal"));
        assertFetched(2);
        assertFalse(Files.exists(walDir.resolve(PrefetchSpool.DIR)));
    }

    /** Runs the fetcher in this JVM, as wal-fetch starts it, under the given launcher identity. */
    private Run fetcher(String identity, String... args) {
        String before = System.getProperty(WalPushCommand.PUSH_AHEAD_ID);
        System.setProperty(WalPushCommand.PUSH_AHEAD_ID, identity);
        try {
            List<String> all = new java.util.ArrayList<>(List.of(WalPrefetchCommand.NAME));
            all.addAll(List.of(args));
            return run(all.toArray(String[]::new));
        } finally {
            if (before == null) {
                System.clearProperty(WalPushCommand.PUSH_AHEAD_ID);
            } else {
                System.setProperty(WalPushCommand.PUSH_AHEAD_ID, before);
            }
        }
    }

    @Test
    void theFetcherStopsWhenIdleRefusesAnotherIdentityAndRemovesItsSpoolOnceRecoveryIsOver() throws Exception {
        env.put("WALKEEPER_PREFETCH", "2");
        String id = PushAheadIdentity.of(config, env);
        Path spool = walDir.resolve(PrefetchSpool.DIR).resolve(id);

        Run other = fetcher("0123456789abcdef0123456789abcdef", "--idle-timeout", "1", data.toString(), seg(1));
        assertEquals(0, other.code(), other.toString());
        assertFalse(Files.exists(spool), "the launcher and the JVM disagree on the configuration: nothing is fetched");

        long started = System.nanoTime();
        Run idle = fetcher(id, "--idle-timeout", "1", data.toString(), seg(1));
        assertEquals(0, idle.code(), idle.toString());
        assertTrue((System.nanoTime() - started) / 1_000_000 < 30_000, "it stopped after its idle timeout");
        assertEquals(List.of(seg(2), seg(3)), spooledSegments(spool), "the window after the request, kept for the launcher");

        Files.delete(data.resolve("recovery.signal"));
        Run over = fetcher(id, "--idle-timeout", "1", data.toString(), seg(1));
        assertEquals(0, over.code(), over.toString());
        assertFalse(Files.exists(walDir.resolve(PrefetchSpool.DIR)), "recovery is over: the spool is removed");
    }

    /** A 1 MiB segment whose long header matches its name. */
    private static byte[] segment(String name, long seed) {
        long segNo = Long.parseLong(name.substring(8, 16), 16) * (0x1_0000_0000L / SEG) + Long.parseLong(name.substring(16), 16);
        byte[] b = new byte[(int) SEG];
        Random r = new Random(seed);
        for (int i = 64; i < b.length; i += 16) {
            b[i] = (byte) r.nextInt(4);
        }
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        h.putShort(0, (short) 0xD110).putShort(2, (short) 0x0002).putInt(4, 1).putLong(8, segNo * SEG)
                .putLong(24, SYSID).putInt(32, (int) SEG).putInt(36, 8192);
        return b;
    }
}
