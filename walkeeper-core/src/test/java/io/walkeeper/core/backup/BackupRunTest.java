package io.walkeeper.core.backup;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.GarbageResult;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.ConflictException;
import io.walkeeper.api.DeltaOrigin;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.PostgresException;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.RetentionPolicy;
import io.walkeeper.api.RetentionResult;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.core.io.HeldTempFiles;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.IndexedManifest;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryLayout;
import io.walkeeper.core.restore.DefaultRestorer;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.testkit.BlobOperation;
import io.walkeeper.testkit.FaultyBlobStore;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The phases of a backup run against a scripted PostgreSQL session and an in-memory store:
 * what each refuses before anything is started or written, that a completed run restores the
 * data directory, and what a failure at each later phase leaves behind (only ever the objects
 * of other runs). The ITs reach these paths with a real server, slowly; here each takes
 * milliseconds.
 */
class BackupRunTest {
    private static final String START_SEGMENT = "000000010000000000000002";

    @TempDir
    Path tmp;

    private Path data;
    private ScriptedSession pg;
    private FaultyBlobStore store;
    private Repository repo;

    @BeforeEach
    void cluster() throws IOException {
        data = tmp.resolve("data");
        pg = new ScriptedSession(data);
        Files.createDirectories(data.resolve("global"));
        Files.createDirectories(data.resolve("base/5"));
        Files.createDirectories(data.resolve("pg_wal"));
        byte[] control = new byte[8192];
        new Random(1).nextBytes(control);
        ByteBuffer.wrap(control).order(ByteOrder.LITTLE_ENDIAN).putLong(0, pg.systemIdentifier);
        Files.write(data.resolve("global/pg_control"), control);
        Files.writeString(data.resolve("PG_VERSION"), "16\n");
        Random r = new Random(2);
        for (int i = 0; i < 6; i++) {
            byte[] rel = new byte[8192 * (1 + i)];
            for (int page = 0; page <= i; page++) {
                heapPage(rel, page * 8192, r);
            }
            Files.write(data.resolve("base/5/" + (16384 + i)), rel);
        }
        Files.write(data.resolve("pg_wal/" + START_SEGMENT), new byte[1024]);
        store = new FaultyBlobStore(new InMemoryBlobStore());
        repo = new Repository(store, new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null,
                Providers.codecs()));
    }

    /** A page with a valid header (no checksum) and random tuple bytes in its upper half. */
    private static void heapPage(byte[] rel, int off, Random r) {
        ByteBuffer b = ByteBuffer.wrap(rel, off, 8192).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(off, 0x0100_0000L); // pd_lsn: before the backup starts
        b.putShort(off + 12, (short) 64); // pd_lower
        b.putShort(off + 14, (short) 4096); // pd_upper
        b.putShort(off + 16, (short) 8192); // pd_special
        b.putShort(off + 18, (short) (8192 | 4)); // page size and layout version
        byte[] tuples = new byte[4096];
        r.nextBytes(tuples);
        System.arraycopy(tuples, 0, rel, off + 4096, 4096);
    }

    private static BackupSettings settings(Duration walWait, int deltaSteps) {
        return new BackupSettings(1 << 20, 2, walWait, deltaSteps, DeltaOrigin.LATEST, Duration.ofMinutes(1));
    }

    private BackupRun run(BackupRequest request) {
        return new BackupRun(repo, pg, data, settings(Duration.ofSeconds(5), 3), request);
    }

    private void archive(String segment) {
        store.create(repo.format().keyFor(RepositoryLayout.walBase(segment)), out -> out.write(new byte[16]));
    }

    private Set<String> keys() {
        try (Stream<BlobInfo> s = store.list("")) {
            return s.map(BlobInfo::key).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private Set<String> backupKeys() {
        return keys().stream().filter(k -> k.startsWith(RepositoryLayout.BACKUPS_PREFIX)).collect(Collectors.toSet());
    }

    @Test
    void preflightRefusesADirectoryThatIsNotTheServers() throws IOException {
        pg.dataDirectory = Files.createDirectories(tmp.resolve("other")).toString();
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> run(BackupRequest.auto()).run());
        assertTrue(e.getMessage().contains("is not the data directory of the server at scripted server"), e.getMessage());
        assertEquals(List.of(), pg.calls, "nothing may be started");
        assertEquals(Set.of(), keys(), "nothing may be written");
    }

    @Test
    void preflightRefusesAPgControlOfAnotherCluster() {
        pg.systemIdentifier = 42;
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> run(BackupRequest.auto()).run());
        assertTrue(e.getMessage().contains("its pg_control has system identifier 7000000000000000001 but the server at "
                + "scripted server reports 42"), e.getMessage());
        assertEquals(Set.of(), keys());
    }

    @Test
    void preflightRefusesARepositoryOfAnotherCluster() {
        repo.checkCluster(42, 160004, 16L << 20);
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> run(BackupRequest.auto()).preflight());
        assertTrue(e.getMessage().contains("belongs to the cluster with system identifier 42"), e.getMessage());
        assertEquals(List.of(), pg.calls);
    }

    @Test
    void preflightRefusesArchiveModeOffOnAPrimaryOnly() {
        pg.archiveMode = "off";
        PostgresException e = assertThrows(PostgresException.class, () -> run(BackupRequest.auto()).preflight());
        assertTrue(e.getMessage().contains("archive_mode is off"), e.getMessage());
        pg.standby = true;
        ClusterFacts facts = run(BackupRequest.auto()).preflight();
        assertTrue(facts.standby(), "a standby's archive_mode is the primary's business");
        assertEquals(data.toAbsolutePath().normalize(), facts.dataDir());
    }

    @Test
    void aCompletedRunIsListedWithoutItsLeaseAndRestoresTheDataDirectory() throws IOException {
        archive(START_SEGMENT);
        BackupInfo info = run(BackupRequest.full()).run();
        assertEquals("base_" + START_SEGMENT, info.name());
        assertEquals(List.of(), repo.readManifest(info.name()).orElseThrow().corruptPages());
        assertEquals(BackupKind.FULL, info.kind());
        assertEquals(List.of("start", "stop"), pg.calls);
        assertEquals(List.of(), repo.leases(), "the lease ends with the run");
        BackupManifest m = repo.readManifest(info.name()).orElseThrow();
        assertEquals(START_SEGMENT, m.startWalSegment());
        assertEquals(START_SEGMENT, m.stopWalSegment(), "a stop inside the start segment needs that segment only");
        assertTrue(m.parts().get(m.parts().size() - 1).key().endsWith("pg_control.tar"),
                "pg_control is in the last part: " + m.parts());

        Path restored = tmp.resolve("restored");
        new DefaultRestorer(repo, 2).restore(RestoreRequest.of(BackupSelector.named(info.name()), restored, "false"));
        for (String f : List.of("global/pg_control", "PG_VERSION", "base/5/16384", "base/5/16389")) {
            assertArrayEquals(Files.readAllBytes(data.resolve(f)), Files.readAllBytes(restored.resolve(f)), f);
        }
        assertFalse(Files.exists(restored.resolve("pg_wal/" + START_SEGMENT)), "pg_wal's contents are not backed up");
    }

    @Test
    void progressListenersSeeGrowingCountsThatEndAtTheTotals() throws Exception {
        archive(START_SEGMENT);
        List<io.walkeeper.api.Progress> backup = new java.util.concurrent.CopyOnWriteArrayList<>();
        BackupInfo info = new BackupRun(repo, pg, data, settings(Duration.ofSeconds(5), 3), BackupRequest.full(), p -> {
            backup.add(p);
            throw new IllegalStateException("a listener that fails must not fail the backup");
        }).run();
        checkProgress(backup, "backup", info.name());
        io.walkeeper.api.Progress last = backup.get(backup.size() - 1);
        assertEquals(info.statistics().bytesRead() + info.statistics().bytesSkippedUnread(), last.bytesDone());
        assertEquals(info.fileCount(), last.filesDone());

        List<io.walkeeper.api.Progress> restore = new java.util.concurrent.CopyOnWriteArrayList<>();
        Path restored = tmp.resolve("restored-with-progress");
        new DefaultRestorer(repo, 2).restore(RestoreRequest.of(BackupSelector.named(info.name()), restored, "false"),
                restore::add);
        checkProgress(restore, "restore", info.name());
        long bytes = repo.readManifest(info.name()).orElseThrow().files().stream().filter(f -> !f.isDirectory())
                .mapToLong(io.walkeeper.core.repo.FileEntry::size).sum();
        assertEquals(bytes, restore.get(restore.size() - 1).bytesDone(), "every byte of the backed-up files is counted");
    }

    private static void checkProgress(List<io.walkeeper.api.Progress> events, String operation, String name) {
        assertFalse(events.isEmpty());
        io.walkeeper.api.Progress previous = null;
        for (io.walkeeper.api.Progress p : events) {
            assertEquals(operation, p.operation());
            assertEquals(name, p.subject());
            assertTrue(p.bytesDone() <= p.bytesTotal() && p.filesDone() <= p.filesTotal(), p.toString());
            if (previous != null) {
                assertTrue(p.bytesDone() >= previous.bytesDone() && p.filesDone() >= previous.filesDone(), p + " after " + previous);
            }
            previous = p;
        }
        io.walkeeper.api.Progress last = events.get(events.size() - 1);
        assertTrue(last.finished(), last.toString());
        assertEquals(last.bytesTotal(), last.bytesDone());
        assertEquals(last.filesTotal(), last.filesDone());
        assertTrue(events.stream().filter(io.walkeeper.api.Progress::finished).count() == 1, "one last event");
    }

    @Test
    void aStandbyRunWhoseWalNeverArrivesIsNotListedAndLeavesNoParts() {
        pg.standby = true;
        PostgresException e = assertThrows(PostgresException.class,
                () -> new BackupRun(repo, pg, data, settings(Duration.ofMillis(300), 0), BackupRequest.full()).run());
        assertTrue(e.getMessage().contains("WAL segment " + START_SEGMENT) && e.getMessage().contains("archive_timeout"),
                e.getMessage());
        assertEquals(List.of("start", "stop"), pg.calls);
        assertEquals(Set.of(), backupKeys(), "parts and lease removed, no manifest");
    }

    @Test
    void aPartThatCannotBeWrittenRemovesOnlyWhatThisRunCreated() {
        archive(START_SEGMENT);
        // another run's object under a name this run does not take
        store.create("backups/base_000000010000000000000001/part_0001.tar", out -> out.write(1));
        store.when(BlobOperation.CREATE).key(k -> k.endsWith("pg_control.tar")).always().failNonRetryable();
        List<String> fileListsBefore = temporaryFileLists();
        assertThrows(StorageException.class, () -> run(BackupRequest.full()).run());
        assertEquals(List.of("start"), pg.calls, "a failed copy never stops the backup: closing the session aborts it");
        assertEquals(Set.of("backups/base_000000010000000000000001/part_0001.tar"), backupKeys());
        assertEquals(fileListsBefore, temporaryFileLists(), "the file lists of the parts written are freed too");
    }

    @Test
    void aBackupThatRunsOutOfMemoryRemovesWhatItCreatedAndKeepsTheError() {
        archive(START_SEGMENT);
        store.when(BlobOperation.CREATE).key(k -> k.endsWith("pg_control.tar")).always().runFirst(() -> {
            throw new OutOfMemoryError("Java heap space (thrown by the test)");
        });
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> run(BackupRequest.full()).run());
        assertEquals("Java heap space (thrown by the test)", e.getMessage());
        assertEquals(Set.of(), backupKeys(), "parts and lease removed, no manifest");
    }

    @Test
    void aBackupThatRunsOutOfMemoryWhileItsManifestIsWrittenKeepsEveryPart() {
        archive(START_SEGMENT);
        store.when(BlobOperation.CREATE).key(k -> k.startsWith("backups/") && k.endsWith(".json")).always().runFirst(() -> {
            throw new OutOfMemoryError("Java heap space (thrown by the test)");
        });
        assertThrows(OutOfMemoryError.class, () -> run(BackupRequest.full()).run());
        assertTrue(backupKeys().stream().anyMatch(k -> k.endsWith("part_0001.tar")),
                "the manifest may have been stored before the Error, so no part is removed: " + backupKeys());
    }

    /** The temporary file lists and indexes this JVM holds open. */
    private static List<String> temporaryFileLists() {
        try {
            return HeldTempFiles.held("walkeeper-file-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aManifestWriteWhoseAnswerWasLostCompletesTheBackup() {
        archive(START_SEGMENT);
        store.when(BlobOperation.CREATE).key(k -> k.startsWith("backups/") && k.endsWith(".json")).once().loseResponse();
        BackupInfo info = run(BackupRequest.full()).run();
        assertTrue(repo.readManifest(info.name()).isPresent());
        assertTrue(backupKeys().stream().anyMatch(k -> k.endsWith("part_0001.tar")), backupKeys().toString());
    }

    @Test
    void whenItCannotBeToldWhetherTheManifestWasStoredEveryPartIsKept() {
        archive(START_SEGMENT);
        store.when(BlobOperation.CREATE).key(k -> k.startsWith("backups/") && k.endsWith(".json")).once().loseResponse();
        store.when(BlobOperation.GET).key(k -> k.startsWith("backups/") && k.endsWith(".json")).always().failRetryable();
        StorageException e = assertThrows(StorageException.class, () -> run(BackupRequest.full()).run());
        assertTrue(e.getMessage().contains("so its parts are kept"), e.getMessage());
        store.clearFaults();
        BackupManifest stored = repo.readManifest("base_" + START_SEGMENT).orElseThrow();
        for (BackupManifest.Part p : stored.parts()) {
            String key = RepositoryLayout.backupPrefix(stored.name()) + p.key();
            assertTrue(store.head(key).isPresent(), "a stored manifest must never point at a removed part: " + key);
        }
    }

    @Test
    void aDeltaWhoseParentIsDeletedWhileItRunsIsNotListed() {
        archive(START_SEGMENT);
        BackupInfo parent = run(BackupRequest.full()).run();
        pg.start = Lsn.parse("0/3000028");
        pg.stop = Lsn.parse("0/3000100");
        archive("000000010000000000000003");
        pg.duringStop = () -> store.delete(List.of(RepositoryLayout.manifestKey(parent.name())));
        Set<String> before = backupKeys();
        List<String> held = temporaryFileLists();
        ConflictException e = assertThrows(ConflictException.class, () -> run(BackupRequest.auto()).run());
        assertEquals(held, temporaryFileLists(), "the parent's file index and the delta's file lists are freed");
        assertTrue(e.getMessage().contains("its parent " + parent.name() + " was deleted while it ran"), e.getMessage());
        Set<String> expected = new TreeSet<>(before);
        expected.remove(RepositoryLayout.manifestKey(parent.name()));
        assertEquals(expected, new TreeSet<>(backupKeys()), "the delta's parts are gone, nothing else");
    }

    @Test
    void aCandidateParentThatEndsAfterThisStartIsNotUsed() {
        archive(START_SEGMENT);
        BackupInfo parent = run(BackupRequest.full()).run();
        BackupManifest candidate = repo.readManifest(parent.name()).orElseThrow();
        BackupRun next = run(BackupRequest.auto());
        ClusterFacts facts = next.preflight();
        try (IndexedManifest chosen = new DeltaPlanner(repo, settings(Duration.ofSeconds(1), 3))
                .candidate(BackupRequest.auto(), facts)) {
            assertEquals(candidate.name(), chosen.header().name(), "by policy, the parent would be the newest backup");
        }
        pg.start = Lsn.parse("0/1000028"); // the cluster was rewound to before the parent ended
        BackupRun.Started started = next.start(facts, candidate, Instant.now());
        assertNull(started.parent(), "a delta against a parent from a later point would restore wrong pages");
        assertEquals("base_000000010000000000000001", started.baseName());
    }

    @Test
    void anInterruptedWaitForWalIsReportedAsAnInterrupt() throws Exception {
        WalKeeperException[] thrown = new WalKeeperException[1];
        Thread t = new Thread(() -> {
            try {
                new BackupRun(repo, pg, data, settings(Duration.ofMinutes(5), 0), BackupRequest.full()).run();
            } catch (WalKeeperException e) {
                thrown[0] = e;
            }
        });
        t.start();
        while (!pg.calls.contains("stop")) {
            Thread.sleep(10);
        }
        t.interrupt();
        t.join(10_000);
        assertFalse(t.isAlive());
        assertTrue(thrown[0] != null && thrown[0].getMessage().contains("waiting for WAL " + START_SEGMENT),
                String.valueOf(thrown[0]));
        assertEquals(Set.of(), backupKeys());
    }

    /** Permanence set after the fact: whole chains, refusals, marks over the manifest's flag, retention. */
    @Nested
    class Marks {
        private DefaultBackupRepository backups;

        private BackupInfo at(String lsn, String segment, BackupRequest request) {
            pg.start = Lsn.parse(lsn);
            pg.stop = Lsn.parse(lsn).plus(0x100);
            archive(segment);
            return run(request).run();
        }

        private Map<String, Boolean> permanence() {
            return backups.list().stream().collect(Collectors.toMap(BackupInfo::name, BackupInfo::permanent));
        }

        private List<String> names(List<BackupInfo> infos) {
            return infos.stream().map(BackupInfo::name).toList();
        }

        @Test
        void aDeltaIsMarkedWithItsChainAndNothingANeededBackupIsUnmarked() {
            backups = new DefaultBackupRepository(repo, (java.util.function.Supplier<io.walkeeper.core.pg.BackupSession>) null,
                    null, settings(Duration.ofSeconds(5), 3));
            BackupInfo full = at("0/2000028", START_SEGMENT, BackupRequest.full());
            BackupInfo d1 = at("0/3000028", "000000010000000000000003", BackupRequest.auto());
            BackupInfo d2 = at("0/4000028", "000000010000000000000004", BackupRequest.auto());
            assertEquals(full.name(), d1.parent().orElseThrow());
            assertEquals(d1.name(), d2.parent().orElseThrow());

            assertEquals(List.of(full.name(), d1.name()), names(backups.mark(d1.name(), true)), "ancestors first");
            assertEquals(Map.of(full.name(), true, d1.name(), true, d2.name(), false), permanence());
            assertEquals(List.of(), backups.mark(d1.name(), true), "nothing left to change");
            ConflictException e = assertThrows(ConflictException.class, () -> backups.mark(full.name(), false));
            assertTrue(e.getMessage().contains(d1.name()), e.getMessage());
            assertEquals(List.of(d2.name()), names(backups.mark(d2.name(), true)));
            assertThrows(ConflictException.class, () -> backups.mark(d1.name(), false));
            assertEquals(List.of(d2.name()), names(backups.mark(d2.name(), false)));
            assertEquals(List.of(d1.name()), names(backups.mark(d1.name(), false)));
            assertEquals(Map.of(full.name(), true, d1.name(), false, d2.name(), false), permanence());
            assertEquals(List.of(full.name()), names(backups.mark(full.name(), false)));
            assertFalse(backups.find(full.name()).orElseThrow().permanent());
            assertThrows(io.walkeeper.api.NotFoundException.class, () -> backups.mark("base_000000010000000000000009", true));

            // a mark overrides the manifest's flag, and retention keeps what is marked and deletes marks with their backup
            BackupInfo pushedPermanent = at("0/5000028", "000000010000000000000005", BackupRequest.full().withPermanent(true));
            assertTrue(repo.readManifest(pushedPermanent.name()).orElseThrow().permanent());
            assertEquals(List.of(pushedPermanent.name()), names(backups.mark(pushedPermanent.name(), false)));
            assertFalse(backups.select(BackupSelector.named(pushedPermanent.name())).permanent());
            backups.mark(d1.name(), true);
            BackupInfo newest = at("0/6000028", "000000010000000000000006", BackupRequest.full());
            RetentionResult result = backups.applyRetention(RetentionPolicy.keepFullBackups(1), false);
            assertEquals(Set.of(d2.name(), pushedPermanent.name()), Set.copyOf(names(result.deleted())));
            assertEquals(Set.of(full.name(), d1.name(), newest.name()), permanence().keySet());
            assertFalse(store.head(RepositoryLayout.markKey(d2.name())).isPresent(), "a deleted backup's mark goes with it");
            assertFalse(store.head(RepositoryLayout.markKey(pushedPermanent.name())).isPresent());
            assertTrue(permanence().get(d1.name()));
        }
    }

    /** delete everything and delete garbage, on a repository with fulls, deltas and a permanent backup. */
    @Nested
    class Cleanup {
        private DefaultBackupRepository backups;

        private BackupInfo at(String lsn, String segment, BackupRequest request) {
            pg.start = Lsn.parse(lsn);
            pg.stop = Lsn.parse(lsn).plus(0x100);
            archive(segment);
            return run(request).run();
        }

        private RepositoryCleanup cleanup(Instant now) {
            return new RepositoryCleanup(repo, new BackupCatalogue(repo), Duration.ofMinutes(1),
                    java.time.Clock.fixed(now, java.time.ZoneOffset.UTC));
        }

        @Test
        void everythingRefusesPermanentBackupsWithoutForceAndKeepsTheDescriptor() {
            backups = new DefaultBackupRepository(repo, (java.util.function.Supplier<io.walkeeper.core.pg.BackupSession>) null,
                    null, settings(Duration.ofSeconds(5), 3));
            BackupInfo full = at("0/2000028", START_SEGMENT, BackupRequest.full());
            BackupInfo delta = at("0/3000028", "000000010000000000000003", BackupRequest.auto());
            backups.mark(full.name(), true);
            Set<String> before = keys();

            ConflictException refused = assertThrows(ConflictException.class, () -> backups.deleteEverything(false, false));
            assertTrue(refused.getMessage().contains(full.name()) && refused.getMessage().contains("FORCE"), refused.getMessage());
            assertEquals(before, keys(), "a refusal deletes nothing");

            RetentionResult dry = backups.deleteEverything(true, true);
            assertEquals(List.of(delta.name(), full.name()), dry.deleted().stream().map(BackupInfo::name).toList());
            assertEquals(2, dry.walObjectsDeleted());
            assertEquals(before, keys(), "a dry run deletes nothing");

            RetentionResult done = backups.deleteEverything(true, false);
            assertFalse(done.dryRun());
            assertEquals(Set.of(RepositoryLayout.DESCRIPTOR), keys(), "only the repository descriptor is left");
            assertEquals(List.of(), backups.list());
        }

        @Test
        void garbageIsWhatNoBackupNeedsAndNothingRecentOrListed() {
            backups = new DefaultBackupRepository(repo, (java.util.function.Supplier<io.walkeeper.core.pg.BackupSession>) null,
                    null, settings(Duration.ofSeconds(5), 3));
            archive("000000010000000000000001"); // older than every backup
            BackupInfo full = at("0/2000028", START_SEGMENT, BackupRequest.full());
            at("0/3000028", "000000010000000000000003", BackupRequest.auto());
            String orphan = "base_000000010000000000000009";
            store.put(RepositoryLayout.backupPrefix(orphan) + "part_0001.tar", out -> out.write(1));
            store.put(RepositoryLayout.manifestSignatureKey(orphan), out -> out.write(2));
            Set<String> before = keys();

            GarbageResult recent = cleanup(Instant.now()).garbage(false, new Retention(repo, new BackupCatalogue(repo),
                    Duration.ofMinutes(1)));
            assertEquals(List.of(), recent.abandonedBackups(), "objects written within the lease timeout are never garbage");
            assertEquals(1, recent.walObjectsDeleted(), "the segment before the oldest backup");
            Set<String> afterRecent = new TreeSet<>(before);
            afterRecent.removeIf(k -> k.startsWith("wal/000000010000000000000001"));
            assertEquals(afterRecent, keys());

            Instant later = Instant.now().plus(Duration.ofHours(1));
            GarbageResult dry = cleanup(later).garbage(true, new Retention(repo, new BackupCatalogue(repo), Duration.ofMinutes(1)));
            assertEquals(List.of(orphan), dry.abandonedBackups());
            assertEquals(2, dry.backupObjectsDeleted());
            assertEquals(afterRecent, keys(), "a dry run deletes nothing");

            GarbageResult done = cleanup(later).garbage(false, new Retention(repo, new BackupCatalogue(repo),
                    Duration.ofMinutes(1)));
            assertEquals(List.of(orphan), done.abandonedBackups());
            assertTrue(keys().stream().noneMatch(k -> k.contains(orphan)), keys().toString());
            assertEquals(2, backups.list().size(), "completed backups are untouched");
            assertTrue(keys().stream().anyMatch(k -> k.startsWith(RepositoryLayout.backupPrefix(full.name()))));
            assertEquals(full.name(), RepositoryLayout.backupNameOf(RepositoryLayout.manifestSignatureKey(full.name())));
            assertNull(RepositoryLayout.backupNameOf("backups/readme.txt"));
        }

        @Test
        void labelsNarrowTheSelection() {
            backups = new DefaultBackupRepository(repo, (java.util.function.Supplier<io.walkeeper.core.pg.BackupSession>) null,
                    null, settings(Duration.ofSeconds(5), 0));
            BackupInfo prod = at("0/2000028", START_SEGMENT, BackupRequest.full().withLabel("env", "prod"));
            BackupInfo test = at("0/3000028", "000000010000000000000003", BackupRequest.full().withLabel("env", "test")
                    .withLabel("ticket", "OPS-7"));
            assertEquals(Map.of("env", "test", "ticket", "OPS-7"), backups.find(test.name()).orElseThrow().labels());
            assertEquals(test.name(), backups.select(BackupSelector.latest()).name());
            assertEquals(prod.name(), backups.select(BackupSelector.latest().withLabels(Map.of("env", "prod"))).name());
            assertEquals(test.name(), backups.select(BackupSelector.named(test.name()).withLabels(Map.of("ticket", "OPS-7")))
                    .name());
            io.walkeeper.api.NotFoundException named = assertThrows(io.walkeeper.api.NotFoundException.class,
                    () -> backups.select(BackupSelector.named(test.name()).withLabels(Map.of("env", "prod"))));
            assertTrue(named.getMessage().contains(test.name()) && named.getMessage().contains("env=prod"), named.getMessage());
            io.walkeeper.api.NotFoundException none = assertThrows(io.walkeeper.api.NotFoundException.class,
                    () -> backups.select(BackupSelector.latest().withLabels(Map.of("env", "dev"))));
            assertTrue(none.getMessage().contains("env=dev"), none.getMessage());
        }
    }
}
