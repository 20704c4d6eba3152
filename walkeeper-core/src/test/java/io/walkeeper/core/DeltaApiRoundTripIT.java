package io.walkeeper.core;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.DeltaOrigin;
import io.walkeeper.api.RecoveryTarget;
import io.walkeeper.api.RecoveryTargetAction;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.RestoreResult;
import io.walkeeper.api.WalFetchResult;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delta backups through the Java API: a full backup, two deltas with changes between them, the
 * chain policy (a third auto backup past the step limit is full; {@code LATEST_FULL} takes the
 * full backup as parent), and a restore of the newest delta that equals the source.
 */
class DeltaApiRoundTripIT {

    @TempDir
    Path tmp;

    @Test
    void deltaChainRestoresToTheSourceState() throws Exception {
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        Path repo = tmp.resolve("repo");
        try (PostgresCluster source = PostgresCluster.builder().dataDir(tmp.resolve("source")).build()) {
            source.grantToPostgresUser(staging);
            source.archiveCommand(JavaApiRoundTripIT.StagedWalPusher.stagingCommand(staging));
            source.initdb().start();
            source.pgbenchInit(2);

            WalKeeper.Builder config = WalKeeper.builder()
                    .storage(URI.create("file://" + repo), Map.of())
                    .postgres(PgConnection.of(source.socketDir().toString(), source.port(), "postgres"), source.dataDir())
                    .walArchiveTimeout(Duration.ofSeconds(60))
                    .deltaMaxSteps(2);
            try (WalKeeper wk = config.build();
                 JavaApiRoundTripIT.StagedWalPusher pusher = new JavaApiRoundTripIT.StagedWalPusher(wk, staging)) {
                BackupInfo full = wk.backups().push(BackupRequest.auto());
                assertEquals(BackupKind.FULL, full.kind());
                assertTrue(full.statistics().pagesScanned() > 0, full.statistics().toString());
                assertTrue(full.corruptPages().isEmpty(), full.corruptPages().toString());

                source.execute("UPDATE pgbench_accounts SET abalance = abalance + 7 WHERE aid % 1000 = 3");
                source.execute("CREATE TABLE t1 AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 20000) g");
                BackupInfo d1 = wk.backups().push(BackupRequest.auto());
                assertEquals(BackupKind.DELTA, d1.kind());
                assertEquals(full.name(), d1.parentName());
                assertEquals("base_" + d1.startWalSegment() + "_D_" + full.startWalSegment(), d1.name());
                assertTrue(d1.statistics().filesSkippedUnchanged() > 0, d1.statistics().toString());
                assertTrue(d1.statistics().filesStoredAsDelta() > 0, d1.statistics().toString());
                assertTrue(d1.storedSize() < full.storedSize() / 2, d1.storedSize() + " vs " + full.storedSize());

                source.execute("DELETE FROM pgbench_accounts WHERE aid > 150000");
                source.execute("VACUUM pgbench_accounts");
                source.execute("DROP TABLE pgbench_history");
                source.execute("UPDATE t1 SET v = 'x' WHERE id % 97 = 0");
                BackupInfo d2 = wk.backups().push(BackupRequest.auto());
                assertEquals(BackupKind.DELTA, d2.kind());
                assertEquals(d1.name(), d2.parentName());

                SortedMap<String, String> expected = source.fingerprint();
                String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
                pusher.awaitArchived(wk, last, Duration.ofSeconds(60));

                BackupInfo f2 = wk.backups().push(BackupRequest.auto());
                assertEquals(BackupKind.FULL, f2.kind(), "the chain is at its limit of 2 steps");
                assertNull(f2.parentName());
                try (WalKeeper latestFull = config.deltaOrigin(DeltaOrigin.LATEST_FULL).build()) {
                    source.execute("CHECKPOINT");
                    BackupInfo d3 = latestFull.backups().push(BackupRequest.auto());
                    assertEquals(f2.name(), d3.parentName());
                }

                source.stopImmediate();
                Path fetched = Files.createDirectories(tmp.resolve("fetched"));
                try (Stream<BlobInfo> wal = wk.store().list("wal/")) {
                    for (BlobInfo b : wal.toList()) {
                        String name = b.key().substring("wal/".length()).replaceAll("\\.lz4$", "");
                        assertEquals(WalFetchResult.FETCHED, wk.walArchiver().fetch(name, fetched.resolve(name)));
                    }
                }
                source.grantToPostgresUser(fetched);
                Path restored = tmp.resolve("restored");
                RestoreResult result = wk.restorer().restore(RestoreRequest.of(BackupSelector.named(d2.name()), restored, "cp " + fetched + "/%f %p")
                        .target(RecoveryTarget.latest().withAction(RecoveryTargetAction.PROMOTE)));
                assertEquals(d2.name(), result.backup().name());
                try (PostgresCluster back = PostgresCluster.existing(restored, source.binDir(), 0)) {
                    back.start();
                    JavaApiRoundTripIT.awaitRecoveryEnd(back);
                    assertEquals(expected, back.fingerprint());
                }
            }
        }
    }
}
