package io.walkeeper.core;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.BackupStatistics;
import io.walkeeper.api.RecoveryTarget;
import io.walkeeper.api.RecoveryTargetAction;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.WalFetchResult;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.Json;
import io.walkeeper.pgfixture.PostgresCluster;
import io.walkeeper.spi.BlobInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A delta reads only the relation files that changed since its parent: with pgbench's accounts
 * (scale 20) split into 50 partitions and an UPDATE of 2 % of them (one partition), the delta reads at most
 * 10 % of the cluster's bytes and records the rest unchanged unread. A table updated in place
 * (same size) while the full backup runs is read by the delta. Both deltas restore to the source's
 * data: the first to a restore point taken after it, the second (after pgbench's random updates,
 * which touch every partition) to the end of WAL.
 */
class DeltaReadsLessIT {
    /** Longer than the skip rule's margin: files last written before it are older than the full backup's start by that margin. */
    private static final Duration SETTLE = Duration.ofSeconds(6);

    @TempDir
    Path tmp;

    @Test
    void aDeltaAfterTwoPercentChurnReadsAtMostATenthOfTheCluster() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        Path repo = tmp.resolve("repo");
        try (PostgresCluster source = PostgresCluster.builder().dataDir(tmp.resolve("source")).build()) {
            source.grantToPostgresUser(staging);
            source.archiveCommand(JavaApiRoundTripIT.StagedWalPusher.stagingCommand(staging));
            source.initdb().start();
            source.pgbenchInit(20, "--partitions=50");
            source.execute("CREATE TABLE inplace (id int PRIMARY KEY, v int NOT NULL) WITH (fillfactor = 50)");
            source.execute("INSERT INTO inplace SELECT g, 0 FROM generate_series(1, 2000) g");
            source.execute("VACUUM ANALYZE inplace");
            source.execute("CHECKPOINT");
            Thread.sleep(SETTLE.toMillis());

            WalKeeper.Builder config = WalKeeper.builder()
                    .storage(URI.create("file://" + repo), Map.of())
                    .postgres(PgConnection.of(source.socketDir().toString(), source.port(), "postgres"), source.dataDir())
                    .walArchiveTimeout(Duration.ofSeconds(60))
                    .deltaMaxSteps(3);
            try (WalKeeper wk = config.build();
                 JavaApiRoundTripIT.StagedWalPusher pusher = new JavaApiRoundTripIT.StagedWalPusher(wk, staging)) {
                String inplacePath = source.queryString("SELECT pg_relation_filepath('inplace')");
                long inplaceSize = source.queryLong("SELECT pg_relation_size('inplace')");
                long t0 = System.nanoTime();
                CompletableFuture<BackupInfo> running = CompletableFuture.supplyAsync(() -> wk.backups().push(BackupRequest.auto()));
                awaitLease(wk, running);
                source.execute("UPDATE inplace SET v = v + 1 WHERE id <= 20");
                source.execute("CHECKPOINT");
                assertEquals(inplaceSize, source.queryLong("SELECT pg_relation_size('inplace')"), "updated in place");
                BackupInfo full = running.get();
                long fullMillis = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(BackupKind.FULL, full.kind());

                source.execute("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid <= 40000");
                long t1 = System.nanoTime();
                BackupInfo d1 = wk.backups().push(BackupRequest.auto());
                long d1Millis = (System.nanoTime() - t1) / 1_000_000;
                assertEquals(BackupKind.DELTA, d1.kind());
                assertEquals(full.name(), d1.parentName());
                BackupStatistics s1 = d1.statistics();
                long cluster = s1.bytesRead() + s1.bytesSkippedUnread();
                String report1 = report("full", full, fullMillis, full.statistics().bytesRead())
                        + "\n" + report("delta after a 2 % UPDATE of one partition", d1, d1Millis, cluster);
                System.out.println("delta read figures:\n" + report1);
                assertTrue(s1.filesSkippedUnread() > 0, report1);
                assertTrue(s1.bytesRead() * 10 <= cluster, "a delta reads at most 10 % of the cluster: " + report1);
                FileEntry inplace = entry(repo, d1.name(), inplacePath);
                assertEquals(FileEntry.Storage.DELTA, inplace.storageKind(),
                        "a table updated in place while the full backup ran is read: " + inplace);

                SortedMap<String, String> atD1 = source.fingerprint();
                source.execute("SELECT pg_create_restore_point('after_d1')");

                source.pgbenchStart(1, 5, "-R", "40").await();
                long t2 = System.nanoTime();
                BackupInfo d2 = wk.backups().push(BackupRequest.auto());
                long d2Millis = (System.nanoTime() - t2) / 1_000_000;
                assertEquals(d1.name(), d2.parentName());
                BackupStatistics s2 = d2.statistics();
                System.out.println(report("delta after pgbench's random updates", d2, d2Millis,
                        s2.bytesRead() + s2.bytesSkippedUnread()));

                SortedMap<String, String> atD2 = source.fingerprint();
                String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
                pusher.awaitArchived(wk, last, Duration.ofSeconds(60));
                source.stopImmediate();

                Path fetched = Files.createDirectories(tmp.resolve("fetched"));
                try (Stream<BlobInfo> wal = wk.store().list("wal/")) {
                    for (BlobInfo b : wal.toList()) {
                        String name = b.key().substring("wal/".length()).replaceAll("\\.lz4$", "");
                        assertEquals(WalFetchResult.FETCHED, wk.walArchiver().fetch(name, fetched.resolve(name)));
                    }
                }
                source.grantToPostgresUser(fetched);
                assertRestores(wk, source, d1, RecoveryTarget.name("after_d1"), fetched, atD1, "restored-d1");
                assertRestores(wk, source, d2, RecoveryTarget.latest(), fetched, atD2, "restored-d2");
            }
        }
    }

    private void assertRestores(WalKeeper wk, PostgresCluster source, BackupInfo b, RecoveryTarget target, Path fetched,
                                SortedMap<String, String> expected, String dir) throws InterruptedException {
        Path restored = tmp.resolve(dir);
        wk.restorer().restore(RestoreRequest.of(BackupSelector.named(b.name()), restored, "cp " + fetched + "/%f %p")
                .target(target.withAction(RecoveryTargetAction.PROMOTE)));
        try (PostgresCluster back = PostgresCluster.existing(restored, source.binDir(), 0)) {
            back.start();
            JavaApiRoundTripIT.awaitRecoveryEnd(back);
            assertEquals(expected, back.fingerprint(), b.name());
        }
    }

    /** Waits until the backup holds its lease, which it takes right after PostgreSQL started it. */
    private static void awaitLease(WalKeeper wk, CompletableFuture<BackupInfo> running) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(120);
        while (!running.isDone() && Instant.now().isBefore(deadline)) {
            try (Stream<BlobInfo> keys = wk.store().list("backups/")) {
                if (keys.anyMatch(k -> k.key().endsWith(".lease"))) {
                    return;
                }
            }
            Thread.sleep(5);
        }
    }

    private static FileEntry entry(Path repo, String backup, String path) throws IOException {
        BackupManifest m = Json.MAPPER.readValue(repo.resolve("backups/" + backup + ".json").toFile(), BackupManifest.class);
        return m.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
    }

    private static String report(String what, BackupInfo b, long millis, long clusterBytes) {
        BackupStatistics s = b.statistics();
        return String.format(Locale.ROOT, "%s %s: %d ms, read %,d of %,d bytes (%.1f %%), %d files skipped unread "
                        + "(%,d bytes), %d unchanged, %d as delta, %d whole, %,d pages scanned, %,d stored, %,d bytes stored",
                what, b.name(), millis, s.bytesRead(), clusterBytes, 100.0 * s.bytesRead() / clusterBytes,
                s.filesSkippedUnread(), s.bytesSkippedUnread(), s.filesSkippedUnchanged(), s.filesStoredAsDelta(),
                s.filesStoredWhole(), s.pagesScanned(), s.pagesStored(), s.bytesStored());
    }
}
