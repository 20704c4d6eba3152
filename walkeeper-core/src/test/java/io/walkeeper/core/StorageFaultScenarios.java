package io.walkeeper.core;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.RecoveryTarget;
import io.walkeeper.api.RecoveryTargetAction;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalFetchResult;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.api.WalPushResult;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.storage.StorageOptions;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.testkit.BlobCall;
import io.walkeeper.testkit.BlobOperation;
import io.walkeeper.testkit.FaultRule;
import io.walkeeper.testkit.FaultyBlobStore;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Storage that fails: a backup with a failure injected at each of its storage calls in turn, a
 * WAL upload that breaks off, and a WAL download that is cut short. Every run must end in a
 * complete, restorable backup or a clear error that leaves nothing behind: no manifest, no parts,
 * no partial WAL object, no partial file at a fetch's destination. Subclasses give the store:
 * {@link FsStorageFaultIT} the filesystem, {@link S3StorageFaultIT} S3 over HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StorageFaultScenarios {
    private static final String BACKUPS = "backups/";
    private static final Map<String, String> FAST_RETRIES = Map.of(StorageOptions.MAX_ATTEMPTS, "5",
            StorageOptions.INITIAL_BACKOFF_MS, "10", StorageOptions.MAX_BACKOFF_MS, "50");
    private static final Map<String, String> NO_RETRIES = Map.of(StorageOptions.MAX_ATTEMPTS, "1");

    private Path work;
    private PostgresCluster pg;
    private FaultyBlobStore faulty;
    private WalKeeper wk;
    private WalKeeper wkWithoutRetries;
    private JavaApiRoundTripIT.StagedWalPusher pusher;
    private int verified;

    /** Names the store in the test output. */
    protected abstract String label();

    /**
     * Opens an empty store of the kind under test.
     *
     * @param work the test's scratch directory
     * @param name a name for this store, unique within the test class
     * @return the store
     * @throws Exception if it cannot be opened
     */
    protected abstract BlobStore openStore(Path work, String name) throws Exception;

    /**
     * Fails if the store {@code name} keeps anything of a broken upload of {@code segment} besides
     * the objects it lists: temporary files, multipart uploads still open.
     *
     * @param stored the keys the store lists under {@code wal/}
     * @throws Exception if the store cannot be inspected
     */
    protected abstract void assertNoUploadLeft(Path work, String name, String segment, List<String> stored) throws Exception;

    @BeforeAll
    void startCluster() throws Exception {
        work = Files.createTempDirectory("walkeeper-storage-fault");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path staging = Files.createDirectories(work.resolve("staging"));
        pg = PostgresCluster.builder().dataDir(work.resolve("data")).build();
        pg.grantToPostgresUser(staging);
        pg.archiveCommand(JavaApiRoundTripIT.StagedWalPusher.stagingCommand(staging));
        pg.initdb().start();
        pg.pgbenchInit(1);
        faulty = new FaultyBlobStore(openStore(work, "repo"));
        wk = WalKeeper.builder().storage(faulty)
                .storageOptions(FAST_RETRIES)
                .postgres(PgConnection.of("127.0.0.1", pg.port(), "postgres"), pg.dataDir())
                // small parts (a dozen, four of them chunks of pgbench_accounts), so that failures hit
                // the first, middle and last parts and chunks; every storage call of a backup is failed in
                // turn, three ways, so each further part costs three more backups
                .partSizeThreshold(4L << 20)
                .concurrency(2)
                .walArchiveTimeout(Duration.ofSeconds(60))
                .build();
        wkWithoutRetries = wk.toBuilder().storageOptions(NO_RETRIES).build();
        pusher = new JavaApiRoundTripIT.StagedWalPusher(wk, staging);
    }

    @AfterAll
    void cleanUp() throws Exception {
        if (pusher != null) {
            pusher.close();
        }
        if (wkWithoutRetries != null) {
            wkWithoutRetries.close();
        }
        if (wk != null) {
            wk.close();
        }
        if (faulty != null) {
            faulty.close();
        }
        if (pg != null) {
            pg.close();
        }
        JavaApiRoundTripIT.deleteTree(work);
    }

    /** The ways a storage call fails in {@link #aBackupSurvivesAFailureAtEachOfItsStorageCalls()}. */
    private enum FaultKind {
        /** The call fails and is not retried. */
        NON_RETRYABLE(true, FaultRule.Builder::failNonRetryable),
        /** The call succeeds but reports a retryable failure; the storage layer retries it. */
        LOST_RESPONSE(true, FaultRule.Builder::loseResponse),
        /** The call succeeds but reports a failure that reaches the engine: retries are off. */
        LOST_RESPONSE_WITHOUT_RETRIES(false, FaultRule.Builder::loseResponse);

        final boolean retries;
        final Function<FaultRule.Builder, FaultRule> add;

        FaultKind(boolean retries, Function<FaultRule.Builder, FaultRule> add) {
            this.retries = retries;
            this.add = add;
        }
    }

    @Test
    void aBackupSurvivesAFailureAtEachOfItsStorageCalls() throws Exception {
        long started = System.nanoTime();
        faulty.clearCalls();
        BackupInfo clean = wk.backups().push(BackupRequest.full());
        List<BlobCall> cleanCalls = backupCalls();
        int n = cleanCalls.size();
        assertTrue(clean.partCount() > 3, "small parts, so that a failure can hit a middle one: " + clean);
        Repository reader = new Repository(faulty, new ObjectFormat(Providers.codec("lz4"), null, null, Providers.codecs()));
        long chunked = reader.readManifest(clean.name()).orElseThrow().files().stream()
                .filter(f -> f.chunks() != null).count();
        assertTrue(chunked > 0, "a file stored in chunks, so that failures hit chunk parts too: " + clean);
        verifyRestorable(clean, "the clean backup");
        deleteBackup(clean.name());
        System.out.printf(label() + ": the clean backup %s made N=%d storage calls under %s (%d parts):%n  %s%n",
                clean.name(), n, BACKUPS, clean.partCount(), summarize(cleanCalls));

        for (FaultKind kind : FaultKind.values()) {
            Map<String, Integer> outcomes = new LinkedHashMap<>();
            List<String> lines = new ArrayList<>();
            for (int k = 1; k <= n; k++) {
                String outcome = backupWithFault(kind, k, lines);
                outcomes.merge(outcome, 1, Integer::sum);
            }
            System.out.printf(label() + ": %s at call k=1..%d under %s: %s%n", kind, n, BACKUPS, outcomes);
            lines.forEach(l -> System.out.println("  " + l));
        }
        System.out.printf(label() + ": %d backups taken with faults, %d restored and verified, in %d s%n",
                FaultKind.values().length * n, verified, Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    /** Takes one backup with the k-th call under backups/ failing; checks the outcome and returns its name. */
    private String backupWithFault(FaultKind kind, int k, List<String> lines) throws Exception {
        Set<String> before = storedKeys(BACKUPS);
        List<String> listedBefore = names(wk.backups().list());
        FaultRule rule = kind.add.apply(faulty.when(BlobOperation.ANY).keyStartsWith(BACKUPS).onCall(k));
        faulty.clearCalls();
        BackupInfo done = null;
        WalKeeperException error = null;
        try {
            done = (kind.retries ? wk : wkWithoutRetries).backups().push(BackupRequest.full());
        } catch (WalKeeperException e) {
            error = e;
        } finally {
            faulty.clearFaults();
        }
        List<BlobCall> calls = backupCalls();
        BlobCall hit = rule.hits() == 1 ? calls.get(k - 1) : null;
        String what = kind + " k=" + k + " on " + (hit == null ? "(no such call)" : hit);
        boolean manifestCreate = hit != null && hit.operation() == BlobOperation.CREATE && hit.key().endsWith(".json");

        Set<String> added = new TreeSet<>(storedKeys(BACKUPS));
        added.removeAll(before);
        String outcome;
        if (done != null) {
            assertEquals(plus(listedBefore, done.name()), names(wk.backups().list()), what);
            verifyRestorable(done, what);
            if (kind == FaultKind.LOST_RESPONSE_WITHOUT_RETRIES && manifestCreate) {
                startRestored(done, what);
            }
            outcome = hit == null ? "completed, fault not reached" : "completed and restored";
        } else {
            if (kind == FaultKind.NON_RETRYABLE) {
                assertTrue(chain(error).contains("injected"), what + ": the error does not name the injected failure: " + chain(error));
            }
            List<BackupInfo> listed = wk.backups().list().stream().filter(b -> !listedBefore.contains(b.name())).toList();
            Set<String> manifests = added.stream().filter(key -> key.endsWith(".json")).collect(Collectors.toSet());
            if (!manifests.isEmpty()) {
                // only a lost response to the manifest write may leave a manifest behind an error,
                // and then it must be whole: listed, with every part it names
                assertTrue(manifestCreate, what + ": failed with " + error + " but left manifest(s) " + manifests);
                assertEquals(1, listed.size(), what + ": stored manifest is not listed: " + manifests);
                verifyRestorable(listed.get(0), what + " (error " + error + ", manifest kept)");
                outcome = "failed, stored backup complete";
            } else {
                assertEquals(List.of(), listed, what + ": failed with " + error + " but lists a backup");
                assertEquals(Set.of(), added, what + ": failed with " + error + " but left objects behind");
                outcome = "failed cleanly (" + error.getClass().getSimpleName() + ")";
            }
        }
        lines.add(what + " -> " + outcome + (error == null ? "" : ": " + firstLine(error.getMessage())));
        for (String key : added) {
            String name = key.substring(BACKUPS.length()).replaceAll("(\\.json|/.*)$", "");
            deleteBackup(name);
        }
        return outcome;
    }

    @Test
    void aLostManifestResponseThatCannotBeCheckedKeepsTheBackupWhole() throws Exception {
        Set<String> before = storedKeys(BACKUPS);
        List<String> listedBefore = names(wk.backups().list());
        FaultRule lost = faulty.when(BlobOperation.CREATE).key(StorageFaultScenarios::isManifest).loseResponse();
        FaultRule unreadable = faulty.when(BlobOperation.GET).key(StorageFaultScenarios::isManifest).always().failNonRetryable();
        BackupInfo done = null;
        WalKeeperException error = null;
        try {
            done = wk.backups().push(BackupRequest.full());
        } catch (WalKeeperException e) {
            error = e;
        } finally {
            faulty.clearFaults();
        }
        assertEquals(1, lost.hits());
        assertTrue(unreadable.hits() > 0, "the manifest was never read back");
        Set<String> added = new TreeSet<>(storedKeys(BACKUPS));
        added.removeAll(before);
        List<BackupInfo> listed = wk.backups().list().stream().filter(b -> !listedBefore.contains(b.name())).toList();
        assertEquals(1, listed.size(), "the stored manifest is listed: " + added);
        String name = listed.get(0).name();
        assertTrue(added.size() > 2 && added.stream().allMatch(k -> k.startsWith(BACKUPS + name)), added.toString());
        verifyRestorable(listed.get(0), "a backup whose manifest write could not be confirmed");
        System.out.println(label() + ": lost response on the manifest write, manifest unreadable afterwards: "
                + (error == null ? "completed" : "failed (" + firstLine(error.getMessage()) + ")")
                + "; the stored manifest is listed and its " + (added.size() - 1) + " parts are intact");
        deleteBackup(name);
    }

    @Test
    void aWalPushThatOutlivesItsDeadlineFailsAndStoresNothing() throws Exception {
        Path segment = completedSegment("deadline");
        String name = segment.getFileName().toString();
        FaultyBlobStore store = new FaultyBlobStore(openStore(work, "repo-deadline"));
        Map<String, String> options = new LinkedHashMap<>(FAST_RETRIES);
        options.put(StorageOptions.CALL_TIMEOUT_SECONDS, "1");
        options.put(StorageOptions.MAX_ATTEMPTS, "2");
        try (store; WalKeeper w = WalKeeper.builder().storage(store).storageOptions(options).build()) {
            // every attempt stalls before a byte moves: each is abandoned after 1 s, then the call gives up
            FaultRule slow = store.when(BlobOperation.CREATE).keyStartsWith("wal/" + name).always().delay(Duration.ofSeconds(5));
            long start = System.nanoTime();
            StorageException e = assertThrows(StorageException.class, () -> w.walArchiver().push(segment));
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertEquals(2, slow.hits());
            assertTrue(millis < 6000, "the push waited " + millis + " ms, past two 1 s deadlines");
            assertTrue(e.getMessage().contains("no progress") && e.getMessage().contains("2 attempts"), e.getMessage());
            store.clearFaults();
            Thread.sleep(500);
            assertEquals(List.of(), keys(store.delegate(), "wal/" + name));
            System.out.println(label() + ": wal-push stalled 5 s per attempt under a 1 s no-progress deadline failed after " + millis + " ms: "
                    + firstLine(e.getMessage()));
            assertEquals(WalPushResult.STORED, w.walArchiver().push(segment));
            assertFetchedEqual(w, segment);
        }
    }

    @Test
    void aWalUploadThatBreaksOffLeavesNothingAndSucceedsWhenPushedAgain() throws Exception {
        // uncompressed, so that the later break comes after a store has sent parts of a large upload
        for (long after : new long[] {1024, 12L << 20}) {
            Path segment = completedSegment("upload-" + after);
            String name = segment.getFileName().toString();
            String repo = "repo-upload-" + after;
            FaultyBlobStore store = new FaultyBlobStore(openStore(work, repo));
            try (store;
                 WalKeeper noRetries = WalKeeper.builder().storage(store).storageOptions(NO_RETRIES).compression("none").build();
                 WalKeeper retries = noRetries.toBuilder().storageOptions(FAST_RETRIES).build()) {
                FaultRule rule = store.when(BlobOperation.CREATE).keyStartsWith("wal/" + name).breakStreamAfter(after);
                StorageException e = assertThrows(StorageException.class, () -> noRetries.walArchiver().push(segment));
                assertTrue(e.getMessage().contains("1 attempt"), e.getMessage());
                assertEquals(1, rule.hits());
                assertEquals(List.of(), keys(store.delegate(), "wal/" + name), "a broken upload must not be visible");
                assertNoUploadLeft(work, repo, name, keys(store.delegate(), "wal/"));
                System.out.printf("%s: wal-push with the upload broken after %d bytes, retries off: %s%n", label(), after,
                        firstLine(e.getMessage()));

                assertEquals(WalPushResult.STORED, noRetries.walArchiver().push(segment));
                assertFetchedEqual(noRetries, segment);

                store.delegate().delete(keys(store.delegate(), "wal/" + name));
                store.clearCalls();
                rule = store.when(BlobOperation.CREATE).keyStartsWith("wal/" + name).breakStreamAfter(after);
                assertEquals(WalPushResult.STORED, retries.walArchiver().push(segment));
                assertEquals(1, rule.hits());
                assertEquals(2, store.count(BlobOperation.CREATE, key -> key.startsWith("wal/" + name)),
                        "one broken attempt, one retry");
                assertFetchedEqual(retries, segment);
                assertNoUploadLeft(work, repo, name, keys(store.delegate(), "wal/"));
                System.out.printf("%s: wal-push with the upload broken after %d bytes, retries on: stored in 2 attempts%n",
                        label(), after);
            }
        }
    }

    @Test
    void aWalDownloadThatIsCutShortLeavesNoFile() throws Exception {
        for (String codec : List.of("lz4", "none")) {
            Path segment = completedSegment("download-" + codec);
            String name = segment.getFileName().toString();
            FaultyBlobStore store = new FaultyBlobStore(openStore(work, "repo-download-" + codec));
            try (store;
                 WalKeeper wkd = WalKeeper.builder().storage(store).storageOptions(FAST_RETRIES).compression(codec).build()) {
                assertEquals(WalPushResult.STORED, wkd.walArchiver().push(segment));
                Path into = Files.createDirectories(work.resolve("fetch-" + codec));

                FaultRule cut = store.when(BlobOperation.GET).keyStartsWith("wal/" + name).truncateAfter(1000);
                WalKeeperException e = assertThrows(WalKeeperException.class,
                        () -> wkd.walArchiver().fetch(name, into.resolve(name)));
                assertEquals(1, cut.hits());
                assertTrue(e instanceof IntegrityException || e instanceof StorageException, e.toString());
                assertTrue(e.getMessage().contains(name), e.getMessage());
                try (Stream<Path> left = Files.list(into)) {
                    assertEquals(List.of(), left.toList(), "no file and no temporary file at the destination");
                }
                System.out.printf(label() + ": wal-fetch (%s) of a read cut after 1000 bytes: %s: %s%n", codec,
                        e.getClass().getSimpleName(), firstLine(e.getMessage()));

                FaultRule broken = store.when(BlobOperation.GET).keyStartsWith("wal/" + name).breakStreamAfter(1000);
                assertEquals(WalFetchResult.FETCHED, wkd.walArchiver().fetch(name, into.resolve(name)));
                assertEquals(1, broken.hits());
                assertArrayEquals(Files.readAllBytes(segment), Files.readAllBytes(into.resolve(name)),
                        "a read that breaks with an error is resumed");
            }
        }
    }

    /** Copies a WAL segment PostgreSQL has just completed (switched away from) out of pg_wal. */
    private Path completedSegment(String label) throws Exception {
        pg.execute("CREATE TABLE IF NOT EXISTS fault_wal(v text)");
        pg.execute("INSERT INTO fault_wal VALUES ('" + label + "')");
        String name = pg.queryString("SELECT pg_walfile_name(pg_switch_wal())");
        Path copy = Files.createDirectories(work.resolve("segments-" + label)).resolve(name);
        Files.copy(pg.dataDir().resolve("pg_wal").resolve(name), copy);
        return copy;
    }

    private void assertFetchedEqual(WalKeeper w, Path segment) throws IOException {
        Path dir = Files.createTempDirectory(work, "fetched");
        Path dest = dir.resolve(segment.getFileName().toString());
        assertEquals(WalFetchResult.FETCHED, w.walArchiver().fetch(segment.getFileName().toString(), dest));
        assertArrayEquals(Files.readAllBytes(segment), Files.readAllBytes(dest));
    }

    private static List<String> names(List<BackupInfo> backups) {
        return backups.stream().map(BackupInfo::name).sorted().toList();
    }

    private static List<String> plus(List<String> names, String name) {
        return Stream.concat(names.stream(), Stream.of(name)).sorted().toList();
    }

    private static boolean isManifest(String key) {
        return key.startsWith(BACKUPS) && key.endsWith(".json");
    }

    /** The calls under backups/ since the log was cleared. */
    private List<BlobCall> backupCalls() {
        return faulty.calls().stream().filter(c -> c.matches(BlobOperation.ANY, key -> key.startsWith(BACKUPS))).toList();
    }

    /** Restores a backup into a scratch directory, which checks every part's size and SHA-256, then removes it. */
    private void verifyRestorable(BackupInfo backup, String what) throws IOException {
        Path dest = work.resolve("verify");
        try {
            wk.restorer().restore(RestoreRequest.of(BackupSelector.named(backup.name()), dest, "false"));
            assertTrue(Files.isRegularFile(dest.resolve("global/pg_control")), what);
            verified++;
        } catch (WalKeeperException e) {
            fail(what + ": backup " + backup.name() + " is listed but cannot be restored: " + e.getMessage(), e);
        } finally {
            if (Files.exists(dest)) {
                JavaApiRoundTripIT.deleteTree(dest);
            }
        }
    }

    /** Restores a backup with the WAL it needs, starts it, and checks the pgbench data is there. */
    private void startRestored(BackupInfo backup, String what) throws Exception {
        Path wal = Files.createDirectories(work.resolve("wal-for-" + backup.name()));
        for (String key : keys(faulty.delegate(), "wal/")) {
            String file = key.substring("wal/".length()).replaceAll("\\.lz4$", "");
            if (file.length() == 24 && file.compareTo(backup.startWalSegment()) >= 0 && file.compareTo(backup.stopWalSegment()) <= 0) {
                assertEquals(WalFetchResult.FETCHED, wk.walArchiver().fetch(file, wal.resolve(file)));
            }
        }
        pg.grantToPostgresUser(wal);
        Path dest = work.resolve("started-" + backup.name());
        wk.restorer().restore(RestoreRequest.of(BackupSelector.named(backup.name()), dest, "cp " + wal + "/%f %p")
                .target(RecoveryTarget.immediate().withAction(RecoveryTargetAction.PROMOTE)));
        try (PostgresCluster back = PostgresCluster.existing(dest, pg.binDir(), 0)) {
            back.start();
            JavaApiRoundTripIT.awaitRecoveryEnd(back);
            assertEquals(100_000, back.queryLong("SELECT count(*) FROM pgbench_accounts"), what);
        }
        JavaApiRoundTripIT.deleteTree(dest);
        JavaApiRoundTripIT.deleteTree(wal);
        System.out.println(label() + ": " + what + ": the backup was started and holds the pgbench data");
    }

    private Set<String> storedKeys(String prefix) {
        return new TreeSet<>(keys(faulty.delegate(), prefix));
    }

    private static List<String> keys(BlobStore store, String prefix) {
        try (Stream<BlobInfo> s = store.list(prefix)) {
            return s.map(BlobInfo::key).toList();
        }
    }

    private void deleteBackup(String name) {
        List<String> keys = new ArrayList<>(keys(faulty.delegate(), BACKUPS + name + "/"));
        keys.add(BACKUPS + name + ".json");
        faulty.delegate().delete(keys);
    }

    /** The clean run's calls, with runs of part creates folded. */
    private static String summarize(List<BlobCall> calls) {
        List<String> out = new ArrayList<>();
        int parts = 0;
        for (BlobCall c : calls) {
            boolean part = c.operation() == BlobOperation.CREATE && c.key().contains("/part_");
            if (part) {
                parts++;
                continue;
            }
            if (parts > 0) {
                out.add(parts + " x CREATE part_NNNN");
                parts = 0;
            }
            out.add(c.operation() + " " + c.key().replaceAll("^backups/[^/.]+", "backups/<name>"));
        }
        if (parts > 0) {
            out.add(parts + " x CREATE part_NNNN");
        }
        return String.join(", ", out);
    }

    private static String chain(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t).append(" <- ");
            for (Throwable s : t.getSuppressed()) {
                b.append("[suppressed ").append(s).append("] ");
            }
        }
        return b.toString();
    }

    private static String firstLine(String s) {
        String line = s == null ? "" : s.lines().findFirst().orElse("");
        return line.length() > 240 ? line.substring(0, 240) + "…" : line;
    }
}
