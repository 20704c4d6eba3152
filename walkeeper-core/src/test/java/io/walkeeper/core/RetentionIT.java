package io.walkeeper.core;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.ConflictException;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.RecoveryTarget;
import io.walkeeper.api.RecoveryTargetAction;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.RetentionPolicy;
import io.walkeeper.api.RetentionResult;
import io.walkeeper.api.WalFetchResult;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.storage.fs.FsBlobStore;
import io.walkeeper.testkit.BlobOperation;
import io.walkeeper.testkit.FaultRule;
import io.walkeeper.testkit.FaultyBlobStore;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention on a real archive: two full backups with a delta each, then "keep one full backup".
 * A dry run deletes nothing; the real run deletes the older chain (delta before its parent) and
 * the WAL before the kept full backup's start, keeps everything the kept chain needs, and the kept
 * delta still restores to the source's final state. A second run has nothing left to delete. And
 * a delta whose parent is deleted while it runs is never listed.
 */
class RetentionIT {

    @TempDir
    Path tmp;

    @Test
    void keepingOneFullChainDeletesTheOlderChainAndItsWalOnly() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        try (PostgresCluster source = PostgresCluster.builder().dataDir(tmp.resolve("source")).build()) {
            source.grantToPostgresUser(staging);
            source.archiveCommand(JavaApiRoundTripIT.StagedWalPusher.stagingCommand(staging));
            source.initdb().start();
            source.pgbenchInit(1);
            try (WalKeeper wk = WalKeeper.builder()
                    .storage(URI.create("file://" + tmp.resolve("repo")), Map.of())
                    .postgres(PgConnection.of(source.socketDir().toString(), source.port(), "postgres"), source.dataDir())
                    .walArchiveTimeout(Duration.ofSeconds(60))
                    .deltaMaxSteps(3)
                    .build();
                 JavaApiRoundTripIT.StagedWalPusher pusher = new JavaApiRoundTripIT.StagedWalPusher(wk, staging)) {
                BackupInfo full1 = wk.backups().push(BackupRequest.full());
                source.execute("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid % 100 = 0");
                source.execute("SELECT pg_switch_wal()");
                BackupInfo delta1 = wk.backups().push(BackupRequest.auto());
                assertEquals(full1.name(), delta1.parentName());
                source.execute("CREATE TABLE kept(id int PRIMARY KEY, v text)");
                source.execute("INSERT INTO kept SELECT g, md5(g::text) FROM generate_series(1, 5000) g");
                source.execute("SELECT pg_switch_wal()");
                BackupInfo full2 = wk.backups().push(BackupRequest.full());
                source.execute("UPDATE kept SET v = 'changed' WHERE id % 7 = 0");
                BackupInfo delta2 = wk.backups().push(BackupRequest.auto());
                assertEquals(BackupKind.DELTA, delta2.kind());
                assertEquals(full2.name(), delta2.parentName());
                source.execute("INSERT INTO kept SELECT g, 'late' FROM generate_series(5001, 6000) g");
                SortedMap<String, String> expected = source.fingerprint();
                String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
                pusher.awaitArchived(wk, last, Duration.ofSeconds(60));

                List<String> walBefore = keys(wk, "wal/");
                List<String> backupKeysBefore = keys(wk, "backups/");
                assertTrue(walBefore.stream().anyMatch(k -> position(k).compareTo(position(full2.startWalSegment())) < 0),
                        "the archive holds WAL from before the second full backup: " + walBefore);

                RetentionResult dry = wk.backups().applyRetention(RetentionPolicy.keepFullBackups(1), true);
                assertTrue(dry.dryRun());
                assertEquals(List.of(delta1.name(), full1.name()), names(dry.deleted()), "newest first: a delta before its parent");
                assertEquals(List.of(full2.name(), delta2.name()), names(dry.kept()));
                assertEquals(full2.startWalSegment(), dry.oldestWalSegmentKept());
                assertTrue(dry.walObjectsDeleted() > 0, dry.toString());
                assertEquals(walBefore, keys(wk, "wal/"), "a dry run deletes nothing");
                assertEquals(backupKeysBefore, keys(wk, "backups/"), "a dry run deletes nothing");

                RetentionResult done = wk.backups().applyRetention(RetentionPolicy.keepFullBackups(1), false);
                assertFalse(done.dryRun());
                assertEquals(names(dry.deleted()), names(done.deleted()));
                assertEquals(List.of(full2.name(), delta2.name()), names(wk.backups().list()));
                List<String> walAfter = keys(wk, "wal/");
                assertEquals(walBefore.size() - dry.walObjectsDeleted(), walAfter.size(), walAfter.toString());
                assertTrue(walAfter.stream().noneMatch(k -> position(k).compareTo(position(full2.startWalSegment())) < 0),
                        "WAL before the kept full backup is gone: " + walAfter);
                assertTrue(walAfter.stream().anyMatch(k -> k.contains(full2.startWalSegment())), walAfter.toString());
                assertTrue(keys(wk, "backups/").stream().allMatch(k -> k.contains(full2.name()) || k.contains(delta2.name())),
                        "only the kept chain's objects remain: " + keys(wk, "backups/"));

                RetentionResult again = wk.backups().applyRetention(RetentionPolicy.keepFullBackups(1), false);
                assertEquals(List.of(), again.deleted());
                assertEquals(0, again.walObjectsDeleted());

                String unreadable = "backups/base_0000000100000000000000FF.json";
                wk.store().put(unreadable, out -> out.write("{\"formatVersion\": 1, \"name\": ".getBytes()));
                IntegrityException refused = assertThrows(IntegrityException.class,
                        () -> wk.backups().applyRetention(RetentionPolicy.keepBackups(1), false));
                assertTrue(refused.getMessage().contains("base_0000000100000000000000FF") && refused.getMessage().contains("refused"),
                        refused.getMessage());
                assertEquals(List.of(full2.name(), delta2.name()), names(wk.backups().list()), "nothing deleted");
                assertEquals(walAfter, keys(wk, "wal/"), "nothing deleted");
                wk.store().delete(List.of(unreadable));

                source.stopImmediate();
                Path fetched = Files.createDirectories(tmp.resolve("fetched"));
                for (String key : walAfter) {
                    String name = key.substring("wal/".length()).replaceAll("\\.lz4$", "");
                    assertEquals(WalFetchResult.FETCHED, wk.walArchiver().fetch(name, fetched.resolve(name)));
                }
                source.grantToPostgresUser(fetched);
                Path restored = tmp.resolve("restored");
                wk.restorer().restore(RestoreRequest.of(BackupSelector.named(delta2.name()), restored, "cp " + fetched + "/%f %p")
                        .target(RecoveryTarget.latest().withAction(RecoveryTargetAction.PROMOTE)));
                try (PostgresCluster back = PostgresCluster.existing(restored, source.binDir(), 0)) {
                    back.start();
                    JavaApiRoundTripIT.awaitRecoveryEnd(back);
                    assertEquals(expected, back.fingerprint());
                }
            }
        }
    }

    /**
     * Retention in another process deletes a delta's parent while the delta runs (simulated just
     * before the delta stores its pg_control part): the delta fails before its manifest and is
     * never listed, rather than being listed without the backup it needs.
     */
    @Test
    void aDeltaWhoseParentIsDeletedWhileItRunsIsNeverListed() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        try (PostgresCluster source = PostgresCluster.builder().dataDir(tmp.resolve("source")).build();
             FaultyBlobStore store = new FaultyBlobStore(FsBlobStore.open(tmp.resolve("repo")))) {
            source.grantToPostgresUser(staging);
            source.archiveCommand(JavaApiRoundTripIT.StagedWalPusher.stagingCommand(staging));
            source.initdb().start();
            source.pgbenchInit(1);
            try (WalKeeper wk = WalKeeper.builder()
                    .storage(store)
                    .postgres(PgConnection.of(source.socketDir().toString(), source.port(), "postgres"), source.dataDir())
                    .walArchiveTimeout(Duration.ofSeconds(60))
                    .deltaMaxSteps(3)
                    .build();
                 JavaApiRoundTripIT.StagedWalPusher pusher = new JavaApiRoundTripIT.StagedWalPusher(wk, staging)) {
                BackupInfo full = wk.backups().push(BackupRequest.full());
                source.execute("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid % 10 = 0");
                FaultRule retention = store.when(BlobOperation.CREATE)
                        .key(k -> k.startsWith("backups/base_") && k.contains("_D_") && k.contains("/pg_control"))
                        .runFirst(() -> store.delegate().delete(List.of("backups/" + full.name() + ".json")));

                ConflictException e = assertThrows(ConflictException.class, () -> wk.backups().push(BackupRequest.auto()));
                assertEquals(1, retention.hits());
                assertTrue(e.getMessage().contains("its parent " + full.name() + " was deleted"), e.getMessage());
                assertEquals(List.of(), wk.backups().list());
                assertTrue(keys(wk, "backups/").stream().noneMatch(k -> k.contains("_D_")),
                        "the failed delta left nothing: " + keys(wk, "backups/"));
            }
        }
    }

    private static List<String> keys(WalKeeper wk, String prefix) {
        try (Stream<BlobInfo> s = wk.store().list(prefix)) {
            return s.map(BlobInfo::key).toList();
        }
    }

    private static List<String> names(List<BackupInfo> backups) {
        return backups.stream().map(BackupInfo::name).toList();
    }

    /** The log and segment part of a WAL object key or segment name. */
    private static String position(String keyOrSegment) {
        String name = keyOrSegment.startsWith("wal/") ? keyOrSegment.substring(4) : keyOrSegment;
        return name.length() >= 24 ? name.substring(8, 24) : name;
    }
}
