package io.walkeeper.core;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.RecoveryTarget;
import io.walkeeper.api.RecoveryTargetAction;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.VerificationResult;
import io.walkeeper.api.WalFetchResult;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.storage.fs.FsBlobStore;
import io.walkeeper.storage.s3.S3Settings;
import io.walkeeper.storage.s3.S3StorageProvider;
import io.walkeeper.testkit.BlobOperation;
import io.walkeeper.testkit.FaultyBlobStore;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two backups of one server started at the same moment, as two cron jobs or two operators would.
 * On a quiet primary, and always on a standby, both start at the same checkpoint and derive the
 * same name; their part uploads are slowed so that the runs overlap. Each run must reserve its
 * own name (the second takes {@code base_…_2}) and never delete an object of the other: every
 * listed backup verifies, and the newest restores to the source's data. On the file store and on
 * S3 (S3Mock over HTTP).
 */
class ConcurrentBackupIT {
    @RegisterExtension
    static final S3MockExtension S3_MOCK = S3MockExtension.builder().withHttpPort(0).withSecureConnection(false)
            .silent().build();

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} store, backups of the {1}")
    @CsvSource({"fs, primary", "fs, standby", "s3, primary", "s3, standby"})
    void twoBackupsStartedTogetherBothListRestorableBackupsOrOneFailsCleanly(String storage, String role) throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        BlobStore base = storage.equals("fs") ? FsBlobStore.open(tmp.resolve("repo")) : s3Store(role);
        try (PostgresCluster primary = PostgresCluster.builder().dataDir(tmp.resolve("primary")).build();
             FaultyBlobStore slow = new FaultyBlobStore(base);
             WalKeeper archiver = WalKeeper.builder().storage(base).build();
             JavaApiRoundTripIT.StagedWalPusher pusher = new JavaApiRoundTripIT.StagedWalPusher(archiver, staging)) {
            primary.grantToPostgresUser(staging);
            primary.archiveCommand(JavaApiRoundTripIT.StagedWalPusher.stagingCommand(staging));
            primary.initdb().start();
            primary.pgbenchInit(1);
            try (PostgresCluster standby = role.equals("standby") ? primary.standby(tmp.resolve("standby"), "standby_slot")
                    .archiveCommand(JavaApiRoundTripIT.StagedWalPusher.stagingCommand(staging)).build() : null) {
                if (standby != null) {
                    standby.start();
                }
                backUpTwiceAtOnceAndRestore(standby != null ? standby : primary, primary, slow, base, archiver, pusher);
            }
        }
    }

    private void backUpTwiceAtOnceAndRestore(PostgresCluster backedUp, PostgresCluster primary, FaultyBlobStore slow,
                                             BlobStore base, WalKeeper archiver,
                                             JavaApiRoundTripIT.StagedWalPusher pusher) throws Exception {
        // every part upload takes a while, so the two runs overlap whatever their start order
        slow.when(BlobOperation.CREATE).key(k -> k.startsWith("backups/") && k.contains("/part_")).always()
                .delay(Duration.ofMillis(700));
        List<AtomicReference<Object>> outcomes = List.of(new AtomicReference<>(), new AtomicReference<>());
        CyclicBarrier together = new CyclicBarrier(2);
        List<Thread> runs = new ArrayList<>();
        try (WalSwitcher switcher = new WalSwitcher(primary)) {
            for (AtomicReference<Object> outcome : outcomes) {
                PostgresCluster pg = backedUp;
                Thread t = new Thread(() -> {
                    try (WalKeeper wk = WalKeeper.builder().storage(slow)
                            .postgres(PgConnection.of(pg.socketDir().toString(), pg.port(), "postgres"), pg.dataDir())
                            .walArchiveTimeout(Duration.ofSeconds(90)).concurrency(2).build()) {
                        together.await();
                        outcome.set(wk.backups().push(BackupRequest.full()));
                    } catch (WalKeeperException e) {
                        outcome.set(e);
                    } catch (Exception e) {
                        outcome.set(new AssertionError("unexpected failure", e));
                    }
                }, "backup-" + runs.size());
                runs.add(t);
                t.start();
            }
            for (Thread t : runs) {
                t.join();
            }
        }
        slow.clearFaults();
        List<BackupInfo> succeeded = new ArrayList<>();
        for (AtomicReference<Object> o : outcomes) {
            if (o.get() instanceof AssertionError a) {
                throw a;
            }
            if (o.get() instanceof BackupInfo b) {
                succeeded.add(b);
            }
        }
        assertTrue(!succeeded.isEmpty(), "at least one of two concurrent backups succeeds: " + outcomes);
        if (succeeded.size() == 2) {
            assertNotEquals(succeeded.get(0).name(), succeeded.get(1).name());
        }

        primary.execute("CREATE TABLE after_backups AS SELECT generate_series(1, 1000) AS id");
        SortedMap<String, String> expected = primary.fingerprint();
        String last = primary.queryString("SELECT pg_walfile_name(pg_switch_wal())");
        pusher.awaitArchived(archiver, last, Duration.ofSeconds(60));

        List<BackupInfo> listed = archiver.backups().list();
        assertEquals(succeeded.stream().map(BackupInfo::name).sorted().toList(),
                listed.stream().map(BackupInfo::name).sorted().toList(), "exactly the backups that succeeded are listed");
        for (BackupInfo b : listed) {
            VerificationResult v = archiver.restorer().verify(BackupSelector.named(b.name()));
            assertTrue(v.ok(), b.name() + " verifies: " + v.problems());
        }
        try (Stream<BlobInfo> s = base.list("backups/")) {
            assertTrue(s.noneMatch(k -> k.key().endsWith(".lease")), "no lease is left behind");
        }

        if (backedUp != primary) {
            backedUp.stopImmediate();
        }
        primary.stopImmediate();
        Path fetched = Files.createDirectories(tmp.resolve("fetched"));
        try (Stream<BlobInfo> wal = base.list("wal/")) {
            for (BlobInfo b : wal.toList()) {
                String name = b.key().substring("wal/".length()).replaceAll("\\.lz4$", "");
                assertEquals(WalFetchResult.FETCHED, archiver.walArchiver().fetch(name, fetched.resolve(name)));
            }
        }
        primary.grantToPostgresUser(fetched);
        Path restored = tmp.resolve("restored");
        archiver.restorer().restore(RestoreRequest.of(BackupSelector.latest(), restored, "cp " + fetched + "/%f %p")
                .target(RecoveryTarget.latest().withAction(RecoveryTargetAction.PROMOTE)));
        try (PostgresCluster back = PostgresCluster.existing(restored, primary.binDir(), 0)) {
            back.start();
            JavaApiRoundTripIT.awaitRecoveryEnd(back);
            assertEquals(expected, back.fingerprint());
        }
    }

    private static BlobStore s3Store(String name) {
        String bucket = "concurrent-" + name;
        try (S3Client client = S3Client.builder().httpClientBuilder(Apache5HttpClient.builder())
                .endpointOverride(URI.create(S3_MOCK.getServiceEndpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s"))).build()) {
            client.createBucket(b -> b.bucket(bucket));
        }
        return new S3StorageProvider().open(URI.create("s3://" + bucket + "/pg"), Map.of(
                S3Settings.ENDPOINT, S3_MOCK.getServiceEndpoint(), S3Settings.PATH_STYLE, "true",
                S3Settings.ACCESS_KEY_ID, "k", S3Settings.SECRET_ACCESS_KEY, "s"));
    }

    /** Switches the primary's WAL every second while the backups wait for their last segment. */
    static final class WalSwitcher implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        WalSwitcher(PostgresCluster primary) {
            thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        primary.execute("SELECT pg_switch_wal()");
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        if (!running.get()) {
                            return;
                        }
                    }
                }
            }, "wal-switcher");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.interrupt();
            thread.join(10_000);
        }
    }
}
