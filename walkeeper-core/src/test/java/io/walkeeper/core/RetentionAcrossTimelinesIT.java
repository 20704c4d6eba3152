package io.walkeeper.core;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.RecoveryTarget;
import io.walkeeper.api.RecoveryTargetAction;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.RetentionPolicy;
import io.walkeeper.api.RetentionResult;
import io.walkeeper.api.VerificationResult;
import io.walkeeper.api.WalFetchResult;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.storage.fs.FsBlobStore;
import io.walkeeper.testkit.BlobOperation;
import io.walkeeper.testkit.FaultRule;
import io.walkeeper.testkit.FaultyBlobStore;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention after a point-in-time restore, when LSNs start again from an earlier point on a new
 * timeline. Two full backups on timeline 1; a restore of the older one to a time before the newer
 * one, promoted onto timeline 2; a backup there, during which retention runs (just before its
 * manifest is written). The running backup's lease must keep its WAL, so it completes restorable.
 * Then "keep one full backup" must keep the timeline-2 backup, which finished last though its LSN
 * is lower, delete both timeline-1 backups, and the kept one restores to the latest WAL.
 */
class RetentionAcrossTimelinesIT {
    @TempDir
    Path tmp;

    @Test
    void retentionKeepsTheBackupThatFinishedLastAndTheWalOfARunningOne() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path staging1 = Files.createDirectories(tmp.resolve("staging1"));
        Path staging2 = Files.createDirectories(tmp.resolve("staging2"));
        FsBlobStore fs = FsBlobStore.open(tmp.resolve("repo"));
        Path bin;
        BackupInfo old;
        BackupInfo newer;
        String targetTime;
        try (FaultyBlobStore store = new FaultyBlobStore(fs);
             WalKeeper archive = WalKeeper.builder().storage(fs).walArchiveTimeout(Duration.ofSeconds(60)).build();
             JavaApiRoundTripIT.StagedWalPusher pusher1 = new JavaApiRoundTripIT.StagedWalPusher(archive, staging1);
             JavaApiRoundTripIT.StagedWalPusher pusher2 = new JavaApiRoundTripIT.StagedWalPusher(archive, staging2)) {
            try (PostgresCluster source = PostgresCluster.builder().dataDir(tmp.resolve("source")).build()) {
                bin = source.binDir();
                source.grantToPostgresUser(staging1);
                source.archiveCommand(JavaApiRoundTripIT.StagedWalPusher.stagingCommand(staging1));
                source.initdb().start();
                source.execute("CREATE TABLE t(id int PRIMARY KEY, at timestamptz DEFAULT clock_timestamp())");
                try (WalKeeper wk = backups(fs, source)) {
                    old = wk.backups().push(BackupRequest.full());
                    source.execute("INSERT INTO t(id) SELECT generate_series(1, 100)");
                    Thread.sleep(1100);
                    targetTime = source.queryString("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
                    Thread.sleep(1100);
                    // many segments on timeline 1 after the target, so timeline 2 rewinds far
                    for (int i = 0; i < 6; i++) {
                        source.execute("INSERT INTO t(id) SELECT generate_series(" + (1000 * i + 1000) + ", " + (1000 * i + 1999) + ")");
                        source.execute("SELECT pg_switch_wal()");
                    }
                    newer = wk.backups().push(BackupRequest.full());
                }
                String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
                pusher1.awaitArchived(archive, last, Duration.ofSeconds(60));
                source.stopImmediate();
            }

            Path pitr = tmp.resolve("pitr");
            archive.restorer().restore(RestoreRequest.of(BackupSelector.named(old.name()), pitr, "cp " + fetchAll(archive, "fetched1") + "/%f %p")
                    .target(RecoveryTarget.time(Instant.parse(targetTime))
                            .withAction(RecoveryTargetAction.PROMOTE)));
            try (PostgresCluster promoted = PostgresCluster.existing(pitr, bin, 0)) {
                promoted.grantToPostgresUser(staging2);
                promoted.archiveCommand(JavaApiRoundTripIT.StagedWalPusher.stagingCommand(staging2));
                promoted.start();
                JavaApiRoundTripIT.awaitRecoveryEnd(promoted);
                assertEquals(100, promoted.queryLong("SELECT count(*) FROM t"));
                assertEquals("2", promoted.queryString("SELECT timeline_id::text FROM pg_control_checkpoint()"));

                // retention runs while the timeline-2 backup is about to write its manifest
                AtomicReference<RetentionResult> during = new AtomicReference<>();
                FaultRule retention = store.when(BlobOperation.CREATE)
                        .key(k -> k.startsWith("backups/base_00000002") && k.endsWith(".json")).once()
                        .runFirst(() -> during.set(archive.backups().applyRetention(RetentionPolicy.keepFullBackups(1), false)));
                BackupInfo onTimeline2;
                try (WalKeeper wk = backups(store, promoted)) {
                    onTimeline2 = wk.backups().push(BackupRequest.full());
                }
                assertEquals(1, retention.hits());
                assertTrue(onTimeline2.startLsn().compareTo(newer.startLsn()) < 0, "timeline 2 rewound the LSN: "
                        + onTimeline2.startLsn() + " < " + newer.startLsn());
                assertEquals(List.of(onTimeline2.name()), during.get().runningBackups(), during.get().toString());
                VerificationResult v = archive.restorer().verify(BackupSelector.named(onTimeline2.name()));
                assertTrue(v.ok(), "the backup that ran during retention is restorable: " + v.problems());

                promoted.execute("INSERT INTO t(id) SELECT generate_series(50000, 50999)");
                SortedMap<String, String> expected = promoted.fingerprint();
                String last = promoted.queryString("SELECT pg_walfile_name(pg_switch_wal())");
                pusher2.awaitArchived(archive, last, Duration.ofSeconds(60));
                promoted.stopImmediate();

                RetentionResult result = archive.backups().applyRetention(RetentionPolicy.keepFullBackups(1), false);
                assertEquals(List.of(onTimeline2.name()), names(result.kept()), "the backup that finished last is kept");
                assertEquals(List.of(onTimeline2.name()), names(archive.backups().list()));
                assertEquals(onTimeline2.startWalSegment(), result.oldestWalSegmentKept());

                Path restored = tmp.resolve("restored");
                archive.restorer().restore(RestoreRequest.of(BackupSelector.latest(), restored, "cp " + fetchAll(archive, "fetched2") + "/%f %p")
                        .target(RecoveryTarget.latest().withAction(RecoveryTargetAction.PROMOTE)));
                try (PostgresCluster back = PostgresCluster.existing(restored, bin, 0)) {
                    back.start();
                    JavaApiRoundTripIT.awaitRecoveryEnd(back);
                    assertEquals(expected, back.fingerprint());
                    assertEquals(1100, back.queryLong("SELECT count(*) FROM t"));
                }
            }
        }
    }

    private static WalKeeper backups(io.walkeeper.spi.BlobStore store, PostgresCluster pg) {
        return WalKeeper.builder().storage(store)
                .postgres(PgConnection.of(pg.socketDir().toString(), pg.port(), "postgres"), pg.dataDir())
                .walArchiveTimeout(Duration.ofSeconds(60)).build();
    }

    /** Fetches every archived WAL file into a directory, for a restore_command that copies from it. */
    private Path fetchAll(WalKeeper wk, String dir) throws Exception {
        Path fetched = Files.createDirectories(tmp.resolve(dir));
        List<String> keys = new ArrayList<>();
        try (Stream<BlobInfo> s = wk.store().list("wal/")) {
            s.forEach(b -> keys.add(b.key()));
        }
        for (String key : keys) {
            String name = key.substring("wal/".length()).replaceAll("\\.lz4$", "");
            assertEquals(WalFetchResult.FETCHED, wk.walArchiver().fetch(name, fetched.resolve(name)));
        }
        PostgresCluster.fixOwnership(fetched);
        Files.setPosixFilePermissions(fetched, PosixFilePermissions.fromString("rwxr-xr-x"));
        return fetched;
    }

    private static List<String> names(List<BackupInfo> backups) {
        return backups.stream().map(BackupInfo::name).toList();
    }
}
