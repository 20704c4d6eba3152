package io.walkeeper.cli;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.RecoveryTarget;
import io.walkeeper.api.RecoveryTargetAction;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.VerificationResult;
import io.walkeeper.core.WalKeeper;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.pgfixture.ClusterException;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} at points spread over the run of {@code backup-push}, {@code wal-push},
 * {@code backup-fetch} and {@code delete retain --confirm}, each run as a separate process as in
 * production, against a real cluster (1 MiB WAL segments, so that there are many). For each
 * command the run is first timed without a kill; then for each of {@value #DEFAULT_POINTS} points
 * (more with {@code -Dwalkeeper.crash.points=N}) a kill delay is drawn in its slice of that time,
 * from a seed that is new each run, so the points differ from run to run, and printed
 * ({@code -Dwalkeeper.crash.seed=S} replays a run). After each kill,
 * and again after the command is run once more to completion, the invariants hold:
 * <ul>
 *   <li>every listed backup verifies (all its parts present and intact, its WAL archived), and
 *       the newest restores, and PostgreSQL recovers it to the source's data (a backup proven so
 *       once is not restored again: its manifest and parts cannot change, and the verification
 *       shows they are all still there);</li>
 *   <li>every WAL file PostgreSQL was told is archived ({@code .done}, a push-ahead marker, exit 0)
 *       is in the archive with identical content;</li>
 *   <li>a killed restore leaves its directory either complete (equal to an uninterrupted restore)
 *       or refused: without {@code global/pg_control}, so PostgreSQL cannot start on it, and a
 *       second restore into it fails saying it was interrupted and what to do.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashIT {
    private static final int DEFAULT_POINTS = 8;
    private final int points = Integer.getInteger("walkeeper.crash.points", DEFAULT_POINTS);
    private final long seed = Long.getLong("walkeeper.crash.seed", System.nanoTime());
    private final Random random = new Random(seed);

    private Path work;
    private CliHarness cli;
    private Path config;
    private Path repo;
    private PostgresCluster source;
    private SortedMap<String, String> expected;
    private final Set<String> verified = new HashSet<>();
    private final Set<String> restoredAndChecked = new HashSet<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();

    @BeforeAll
    void setUp() throws Exception {
        System.out.println("CrashIT: seed " + seed + ", " + points + " kill points per command");
        work = Files.createTempDirectory("walkeeper-crash-it");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        cli = new CliHarness(work.resolve("cli"));
        repo = Files.createDirectories(work.resolve("repo"));
        config = writeConfig("walkeeper.json", repo);
        source = PostgresCluster.builder().dataDir(work.resolve("source")).walSegmentSizeMb(1).build();
        source.grantToPostgresUser(repo);
        source.archiveCommand("'" + cli.launcher() + "' --config '" + config + "' wal-push %p");
        source.initdb().start();
        source.pgbenchInit(1);
        cli.env("PGHOST", "127.0.0.1").env("PGPORT", Integer.toString(source.port())).env("PGUSER", "postgres")
                .env("PGDATA", source.dataDir().toString());
        refreshExpected(repo);
    }

    @AfterAll
    void tearDown() throws Exception {
        System.out.println("CrashIT: seed " + seed + ", outcomes " + counts);
        if (source != null) {
            source.close();
        }
        ArchiveBackupPitrIT.deleteTree(work);
    }

    private Path writeConfig(String name, Path repository) throws IOException {
        Path file = work.resolve(name);
        Files.writeString(file, "{\"WALKEEPER_STORAGE\": \"file://" + repository + "\"}\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    /** Kill delays: one in each of {@link #points} slices of {@code millis}, drawn from the seed. */
    private long[] killDelays(String command, long millis) {
        long[] delays = new long[points];
        for (int i = 0; i < points; i++) {
            delays[i] = (long) ((i + random.nextDouble()) * millis / points);
        }
        System.out.println("CrashIT: " + command + " takes " + millis + " ms uninterrupted; kill -9 after (ms) "
                + java.util.Arrays.toString(delays));
        return delays;
    }

    private long timed(String... args) throws Exception {
        long t0 = System.nanoTime();
        CliHarness.Result r = cli.run(args);
        assertEquals(0, r.exitCode(), r.toString());
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Starts a command, kills it after {@code delay} ms, and says whether it was still running then. */
    private boolean killAfter(long delay, Path dir, String... args) throws Exception {
        CliHarness.Running run = cli.startIn(dir, args);
        Thread.sleep(delay);
        return run.kill();
    }

    private void count(String command, boolean killed) {
        counts.merge(command + (killed ? " killed" : " finished before the kill"), 1, Integer::sum);
    }

    @Test
    @Order(1)
    void backupPushKilledAnywhereLeavesOnlyRestorableBackups() throws Exception {
        String[] push = {"--config", config.toString(), "backup-push"};
        long[] delays = killDelays("backup-push", timed(push));
        checkRepository(repo, "after the uninterrupted backup-push");
        for (int i = 0; i < delays.length; i++) {
            String when = "backup-push killed after " + delays[i] + " ms (point " + i + ", seed " + seed + ")";
            boolean killed = killAfter(delays[i], null, push);
            count("backup-push", killed);
            // a run that ended before its kill is an ordinary backup: verified here, and the rerun's backup restored
            checkRepository(repo, when, killed);
            CliHarness.Result again = cli.run(push);
            assertEquals(0, again.exitCode(), when + ", then run again: " + again);
            checkRepository(repo, when + ", then run again");
        }
    }

    @Test
    @Order(2)
    void walPushKilledAnywhereNeverAcknowledgesWhatIsNotArchived() throws Exception {
        // real segments, not yet in a second repository, in a directory laid out as pg_wal
        Path data = Files.createDirectories(work.resolve("walpush-data"));
        Path pgWal = Files.createDirectories(data.resolve("pg_wal/archive_status"));
        Path walDir = pgWal.getParent();
        Path repo2 = Files.createDirectories(work.resolve("repo-walpush"));
        Path config2 = writeConfig("walkeeper-walpush.json", repo2);
        List<String> segments = new ArrayList<>();
        try (WalKeeper wk = walKeeper(repo); Stream<BlobInfo> s = wk.store().list("wal/")) {
            for (String key : s.map(BlobInfo::key).filter(k -> k.matches("wal/[0-9A-F]{24}(\\.[a-z0-9]+)?")).toList()) {
                String name = key.substring(4, 28);
                if (segments.size() < 2 * points + 1) {
                    wk.walArchiver().fetch(name, walDir.resolve(name));
                    segments.add(name);
                }
            }
        }
        assertEquals(2 * points + 1, segments.size(), "enough segments: " + segments);
        ready(walDir, segments.get(0));
        String[] first = {"--config", config2.toString(), "wal-push", "pg_wal/" + segments.get(0)};
        long[] delays = killDelays("wal-push", timedIn(data, first));
        markDone(walDir, segments.get(0));
        int next = 1;
        for (int i = 0; i < delays.length; i++) {
            String segment = segments.get(next++);
            ready(walDir, segment);
            if (i % 2 == 1 && next + 1 < segments.size()) {
                // two more ready segments: the push archives them ahead and leaves markers, and the kill may hit that
                ready(walDir, segments.get(next));
                ready(walDir, segments.get(next + 1));
            }
            String when = "wal-push " + segment + " killed after " + delays[i] + " ms (point " + i + ", seed " + seed + ")";
            count("wal-push", killAfter(delays[i], data, "--config", config2.toString(), "wal-push", "pg_wal/" + segment));
            checkArchived(repo2, walDir, when);
            CliHarness.Result again = cli.startIn(data, "--config", config2.toString(), "wal-push", "pg_wal/" + segment).await();
            assertEquals(0, again.exitCode(), when + ", then run again: " + again);
            markDone(walDir, segment);
            // PostgreSQL then archives the segments that were made ready, in order, as it would
            while (next < segments.size() && Files.exists(walDir.resolve("archive_status/" + segments.get(next) + ".ready"))) {
                String ahead = segments.get(next++);
                CliHarness.Result pushed = cli.startIn(data, "--config", config2.toString(), "wal-push", "pg_wal/" + ahead).await();
                assertEquals(0, pushed.exitCode(), when + ", then " + ahead + ": " + pushed);
                markDone(walDir, ahead);
            }
            checkArchived(repo2, walDir, when + ", then run again");
        }
    }

    private static void ready(Path walDir, String segment) throws IOException {
        Path ready = walDir.resolve("archive_status/" + segment + ".ready");
        if (!Files.exists(ready) && !Files.exists(walDir.resolve("archive_status/" + segment + ".done"))) {
            Files.createFile(ready);
        }
    }

    private long timedIn(Path dir, String... args) throws Exception {
        long t0 = System.nanoTime();
        CliHarness.Result r = cli.startIn(dir, args).await();
        assertEquals(0, r.exitCode(), r.toString());
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** What PostgreSQL does when archive_command exits 0. */
    private static void markDone(Path walDir, String segment) throws IOException {
        Path ready = walDir.resolve("archive_status/" + segment + ".ready");
        if (Files.exists(ready)) {
            Files.move(ready, walDir.resolve("archive_status/" + segment + ".done"));
        }
    }

    /**
     * Every segment acknowledged (.done) or vouched for by a push-ahead marker is archived with
     * the content of the local file, and no stored WAL object is partial or differs.
     */
    private void checkArchived(Path repository, Path walDir, String when) throws Exception {
        Set<String> acknowledged = new HashSet<>();
        try (Stream<Path> s = Files.list(walDir.resolve("archive_status"))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".done"))
                    .forEach(n -> acknowledged.add(n.substring(0, n.length() - ".done".length())));
        }
        Path markers = walDir.resolve(".walkeeper-pushed");
        if (Files.isDirectory(markers)) {
            try (Stream<Path> s = Files.walk(markers)) {
                // a marker is named after its segment; a push killed while writing one leaves ".<segment>.tmp",
                // which the launcher never reads
                s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                        .forEach(acknowledged::add);
            }
        }
        try (WalKeeper wk = walKeeper(repository)) {
            Set<String> stored = new HashSet<>();
            try (Stream<BlobInfo> s = wk.store().list("wal/")) {
                s.forEach(b -> stored.add(b.key().substring(4, 28)));
            }
            assertTrue(stored.containsAll(acknowledged), when + ": acknowledged " + acknowledged + " but archived " + stored);
            for (String name : stored) {
                Path fetched = work.resolve("check-" + name);
                wk.walArchiver().fetch(name, fetched);
                assertArrayEquals(Files.readAllBytes(walDir.resolve(name)), Files.readAllBytes(fetched), when + ": " + name);
                Files.delete(fetched);
            }
        }
        counts.merge("wal-push checks", 1, Integer::sum);
    }

    @Test
    @Order(3)
    void backupFetchKilledAnywhereLeavesACompleteOrARefusedDirectory() throws Exception {
        Path reference = work.resolve("restore-reference");
        String newest;
        try (WalKeeper wk = walKeeper(repo)) {
            newest = wk.backups().select(BackupSelector.latest()).name();
        }
        String[] fetch = {"--config", config.toString(), "backup-fetch", reference.toString(), newest};
        long[] delays = killDelays("backup-fetch", timed(fetch));
        Map<String, String> complete = tree(reference);
        try (PostgresCluster restored = PostgresCluster.existing(reference, source.binDir(), 0)) {
            restored.start();
            ArchiveBackupPitrIT.awaitRecoveryEnd(restored);
            assertEquals(expected, restored.fingerprint(), "the uninterrupted restore");
        }
        int refusedStarts = 0;
        for (int i = 0; i < delays.length; i++) {
            Path dest = work.resolve("restore-" + i);
            String when = "backup-fetch killed after " + delays[i] + " ms (point " + i + ", seed " + seed + ")";
            String[] args = {"--config", config.toString(), "backup-fetch", dest.toString(), newest};
            count("backup-fetch", killAfter(delays[i], null, args));
            boolean finished = Files.exists(dest.resolve("global/pg_control"));
            if (finished) {
                // killed after pg_control was renamed into place: complete, perhaps with the lock still there
                boolean lockLeft = Files.deleteIfExists(dest.resolve(".walkeeper-restore.lock"));
                assertEquals(complete, tree(dest), when + ": a directory with pg_control is the complete restore");
                counts.merge("backup-fetch left complete" + (lockLeft ? " (lock left)" : ""), 1, Integer::sum);
            } else if (Files.exists(dest) && !isEmpty(dest)) {
                assertTrue(Files.exists(dest.resolve(".walkeeper-restore.lock")), when + ": the lock says a restore was here");
                if (refusedStarts < 3) {
                    refusedStarts++;
                    CliHarness.Result refused = cli.run(args);
                    assertEquals(10, refused.exitCode(), when + ": a second restore is refused: " + refused);
                    assertTrue(refused.stderr().contains("interrupted") && refused.stderr().contains("empty " + dest),
                            when + ": the refusal says what happened and what to do: " + refused);
                    assertPostgresRefuses(dest, when);
                }
                counts.merge("backup-fetch left refused", 1, Integer::sum);
                ArchiveBackupPitrIT.deleteTree(dest);
            } else {
                counts.merge("backup-fetch left nothing or an empty directory", 1, Integer::sum);
            }
            if (!finished) {
                CliHarness.Result again = cli.run(args);
                assertEquals(0, again.exitCode(), when + ", then run again: " + again);
                assertEquals(complete, tree(dest), when + ", then run again");
            }
            ArchiveBackupPitrIT.deleteTree(dest);
        }
    }

    private void assertPostgresRefuses(Path dest, String when) throws Exception {
        Path copy = work.resolve("refused-copy");
        copyTree(dest, copy);
        try (PostgresCluster pg = PostgresCluster.existing(copy, source.binDir(), 0)) {
            boolean started;
            try {
                pg.start();
                started = true;
            } catch (ClusterException refused) {
                started = false;
            }
            assertFalse(started, when + ": PostgreSQL must not start on an incomplete restore");
        } finally {
            ArchiveBackupPitrIT.deleteTree(copy);
        }
    }

    @Test
    @Order(4)
    void deleteRetainKilledAnywhereNeverBreaksAKeptBackup() throws Exception {
        // a repository with several full backups, copied afresh for every kill
        Path template = Files.createDirectories(work.resolve("repo-retention"));
        Path templateConfig = writeConfig("walkeeper-retention.json", template);
        source.grantToPostgresUser(template);
        source.archiveCommand("'" + cli.launcher() + "' --config '" + templateConfig + "' wal-push %p");
        for (int b = 0; b < 4; b++) {
            source.execute("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid % 50 = " + b);
            assertEquals(0, cli.run("--config", templateConfig.toString(), "backup-push").exitCode());
        }
        refreshExpected(template);
        source.stop();
        source.archiveCommand("'" + cli.launcher() + "' --config '" + config + "' wal-push %p");
        Path timing = work.resolve("repo-retention-timing");
        copyTree(template, timing);
        source.grantToPostgresUser(timing);
        long millis = timed("--config", writeConfig("walkeeper-timing.json", timing).toString(), "delete", "retain", "FULL", "1",
                "--confirm");
        long[] delays = killDelays("delete retain FULL 1 --confirm", millis);
        checkRepository(timing, "after the uninterrupted delete");
        Set<String> walAfterUninterrupted = walKeys(timing);
        for (int i = 0; i < delays.length; i++) {
            Path copy = work.resolve("repo-retention-" + i);
            copyTree(template, copy);
            source.grantToPostgresUser(copy);
            Path copyConfig = writeConfig("walkeeper-retention-" + i + ".json", copy);
            String when = "delete retain killed after " + delays[i] + " ms (point " + i + ", seed " + seed + ")";
            String[] args = {"--config", copyConfig.toString(), "delete", "retain", "FULL", "1", "--confirm"};
            count("delete retain", killAfter(delays[i], null, args));
            checkRepository(copy, when);
            assertTrue(walKeys(copy).containsAll(walAfterUninterrupted), when + ": WAL a kept backup needs was deleted");
            CliHarness.Result again = cli.run(args);
            assertEquals(0, again.exitCode(), when + ", then run again: " + again);
            checkRepository(copy, when + ", then run again");
            assertEquals(walAfterUninterrupted, walKeys(copy), when + ", then run again: the same WAL as one uninterrupted run");
            ArchiveBackupPitrIT.deleteTree(copy);
        }
        source.start();
    }

    private Set<String> walKeys(Path repository) throws IOException {
        try (WalKeeper wk = walKeeper(repository); Stream<BlobInfo> s = wk.store().list("wal/")) {
            return new HashSet<>(s.map(BlobInfo::key).toList());
        }
    }

    private void refreshExpected(Path repository) throws Exception {
        String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
        expected = source.fingerprint();
        ArchiveBackupPitrIT.awaitArchived(repository, last);
    }

    private WalKeeper walKeeper(Path repository) {
        return WalKeeper.builder().storage(URI.create("file://" + repository), Map.of()).build();
    }

    /**
     * Every listed backup verifies (at every check; a backup verified before also has its parts
     * counted), the newest restores to the source's data, and every WAL file the source's archiver
     * was told is archived is in the repository.
     */
    private void checkRepository(Path repository, String when) throws Exception {
        checkRepository(repository, when, true);
    }

    /** As {@link #checkRepository(Path, String)}; the newest is restored only if {@code restoreNewest}. */
    private void checkRepository(Path repository, String when, boolean restoreNewest) throws Exception {
        try (WalKeeper wk = walKeeper(repository)) {
            List<BackupInfo> listed = wk.backups().list();
            assertFalse(listed.isEmpty(), when + ": no backup listed");
            for (BackupInfo b : listed) {
                String key = repository + "|" + b.name();
                if (verified.add(key)) {
                    VerificationResult v = wk.restorer().verify(BackupSelector.named(b.name()));
                    assertTrue(v.ok(), when + ": listed backup " + b.name() + " does not verify: " + v.problems());
                } else {
                    assertPartsPresent(wk, b, when);
                }
            }
            BackupInfo newest = wk.backups().select(BackupSelector.latest());
            if (restoreNewest && restoredAndChecked.add(newest.name())) {
                restoreAndCompare(wk, newest, when);
            }
        }
        if (source.isRunning() && repository.equals(repo)) {
            Set<String> done = new HashSet<>();
            try (Stream<Path> s = Files.list(source.dataDir().resolve("pg_wal/archive_status"))) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".done"))
                        .forEach(n -> done.add(n.substring(0, n.length() - ".done".length())));
            }
            Set<String> stored = walKeys(repository).stream().map(k -> k.substring(4).replaceAll("\\.lz4$", ""))
                    .collect(java.util.stream.Collectors.toSet());
            assertTrue(stored.containsAll(done), when + ": PostgreSQL was told these are archived: " + done);
        }
        counts.merge("repository checks", 1, Integer::sum);
    }

    private static void assertPartsPresent(WalKeeper wk, BackupInfo b, String when) {
        List<String> parts;
        try (Stream<BlobInfo> s = wk.store().list("backups/" + b.name() + "/")) {
            parts = s.map(BlobInfo::key).toList();
        }
        assertEquals(b.partCount(), parts.size(), when + ": parts of " + b.name() + ": " + parts);
        VerificationResult v = wk.restorer().verify(BackupSelector.named(b.name()));
        assertTrue(v.ok(), when + ": " + b.name() + ": " + v.problems());
    }

    private void restoreAndCompare(WalKeeper wk, BackupInfo newest, String when) throws Exception {
        Path dest = work.resolve("check-restore");
        Path wal = Files.createDirectories(work.resolve("check-wal"));
        try (Stream<BlobInfo> s = wk.store().list("wal/")) {
            for (String key : s.map(BlobInfo::key).toList()) {
                String name = key.substring(4).replaceAll("\\.lz4$", "");
                if (name.endsWith(".history") || name.substring(8).compareTo(newest.startWalSegment().substring(8)) >= 0) {
                    wk.walArchiver().fetch(name, wal.resolve(name));
                }
            }
        }
        source.grantToPostgresUser(wal);
        wk.restorer().restore(RestoreRequest.of(BackupSelector.named(newest.name()), dest, "cp " + wal + "/%f %p")
                .target(RecoveryTarget.latest().withAction(RecoveryTargetAction.PROMOTE)));
        Files.writeString(dest.resolve("postgresql.auto.conf"), "archive_mode = off\n",
                java.nio.file.StandardOpenOption.APPEND);
        try (PostgresCluster restored = PostgresCluster.existing(dest, source.binDir(), 0)) {
            restored.start();
            ArchiveBackupPitrIT.awaitRecoveryEnd(restored);
            assertEquals(expected, restored.fingerprint(), when + ": newest backup " + newest.name());
        } finally {
            ArchiveBackupPitrIT.deleteTree(dest);
            ArchiveBackupPitrIT.deleteTree(wal);
        }
        counts.merge("restores started and compared", 1, Integer::sum);
    }

    /** Path to SHA-256 of every file of a restored directory (the timestamp in the recovery block aside). */
    private static Map<String, String> tree(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                if (p.getFileName().toString().equals("postgresql.auto.conf")) {
                    sha.update(Files.readString(p).replaceAll("\\(restore of (\\S+) at [^)]*\\)", "($1)")
                            .replace(dir.toString(), "DEST").getBytes());
                } else {
                    try (InputStream in = Files.newInputStream(p)) {
                        sha.update(in.readAllBytes());
                    }
                }
                out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(sha.digest()));
            }
        }
        return out;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
