package io.walkeeper.core;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.RecoveryTarget;
import io.walkeeper.api.RecoveryTargetAction;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.RestoreResult;
import io.walkeeper.api.WalFetchResult;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.pgfixture.PgbenchRun;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The archive, backup, restore round trip through the Java API alone, as an embedding control
 * plane would drive it: PostgreSQL's archive_command only stages WAL files, and the application
 * pushes them with {@code walArchiver().push}; for recovery it fetches them with
 * {@code walArchiver().fetch}.
 */
class JavaApiRoundTripIT {

    @TempDir
    Path tmp;

    @Test
    void archiveBackupRestoreThroughTheJavaApi() throws Exception {
        // JUnit makes the temporary directory private; PostgreSQL may run as another OS user
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        Path repo = tmp.resolve("repo");
        try (PostgresCluster source = PostgresCluster.builder().dataDir(tmp.resolve("source")).build()) {
            source.grantToPostgresUser(staging);
            source.archiveCommand(StagedWalPusher.stagingCommand(staging));
            source.initdb().start();
            source.pgbenchInit(2);

            try (WalKeeper wk = WalKeeper.builder()
                    .storage(URI.create("file://" + repo), Map.of())
                    .compression("lz4")
                    .postgres(PgConnection.of(source.socketDir().toString(), source.port(), "postgres"), source.dataDir())
                    .walArchiveTimeout(Duration.ofSeconds(60))
                    .build();
                 StagedWalPusher pusher = new StagedWalPusher(wk, staging)) {

                PgbenchRun load = source.pgbenchStart(2, 6);
                BackupInfo backup = wk.backups().push(BackupRequest.full());
                load.await();

                source.execute("CREATE TABLE after_backup(id int primary key, v text)");
                source.execute("INSERT INTO after_backup SELECT g, md5(g::text) FROM generate_series(1, 5000) g");
                SortedMap<String, String> expected = source.fingerprint();
                String lastSegment = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
                pusher.awaitArchived(wk, lastSegment, Duration.ofSeconds(60));

                List<BackupInfo> listed = wk.backups().list();
                assertEquals(1, listed.size());
                assertEquals(backup.name(), wk.backups().select(BackupSelector.latest()).name());
                assertEquals(BackupKind.FULL, backup.kind());
                assertTrue(backup.name().startsWith("base_000000010000000000"), backup.name());
                assertTrue(backup.storedSize() > 0 && backup.storedSize() < backup.dataSize(), backup.toString());

                // destroy the cluster
                Path sourceData = source.dataDir();
                source.stopImmediate();
                deleteTree(sourceData);

                // the application fetches archived WAL for the restored server
                Path fetched = Files.createDirectories(tmp.resolve("fetched"));
                try (Stream<BlobInfo> wal = wk.store().list("wal/")) {
                    for (BlobInfo b : wal.toList()) {
                        String name = b.key().substring("wal/".length()).replaceAll("\\.lz4$", "");
                        assertEquals(WalFetchResult.FETCHED, wk.walArchiver().fetch(name, fetched.resolve(name)));
                    }
                }
                assertEquals(WalFetchResult.NOT_FOUND, wk.walArchiver().fetch("0000000100000000000000FF", fetched.resolve("x")));
                assertFalse(Files.exists(fetched.resolve("x")));
                source.grantToPostgresUser(fetched);

                Path restored = tmp.resolve("restored");
                RestoreResult result = wk.restorer().restore(RestoreRequest.of(BackupSelector.latest(), restored, "cp " + fetched + "/%f %p")
                        .target(RecoveryTarget.latest().withAction(RecoveryTargetAction.PROMOTE)));
                assertEquals(backup.name(), result.backup().name());
                assertTrue(Files.exists(restored.resolve("recovery.signal")));
                assertTrue(Files.exists(restored.resolve("backup_label")));
                assertTrue(Files.isDirectory(restored.resolve("pg_wal/archive_status")));

                try (PostgresCluster back = PostgresCluster.existing(restored, source.binDir(), 0)) {
                    back.start();
                    awaitRecoveryEnd(back);
                    assertEquals(expected, back.fingerprint());
                }
            }
        }
    }

    static void awaitRecoveryEnd(PostgresCluster pg) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(120);
        while (pg.queryString("SELECT pg_is_in_recovery()::text").equals("true")) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("recovery did not finish: " + pg.logTail(40));
            }
            Thread.sleep(200);
        }
    }

    static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    /** Pushes what archive_command staged, as an application embedding walkeeper would. */
    static final class StagedWalPusher implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private volatile Throwable failure;

        /** An archive_command that stages a file atomically: copy to a hidden name, then rename. */
        static String stagingCommand(Path staging) {
            return "test ! -f " + staging + "/%f && cp %p " + staging + "/.%f.tmp && mv " + staging + "/.%f.tmp " + staging + "/%f";
        }

        StagedWalPusher(WalKeeper wk, Path staging) {
            thread = new Thread(() -> {
                while (running.get()) {
                    try (Stream<Path> files = Files.list(staging)) {
                        for (Path f : files.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList()) {
                            wk.walArchiver().push(f);
                            Files.delete(f);
                        }
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Throwable t) {
                        failure = t;
                        return;
                    }
                }
            }, "staged-wal-pusher");
            thread.setDaemon(true);
            thread.start();
        }

        void awaitArchived(WalKeeper wk, String segment, Duration timeout) throws InterruptedException {
            Instant deadline = Instant.now().plus(timeout);
            while (wk.store().list("wal/" + segment).findAny().isEmpty()) {
                if (failure != null) {
                    throw new AssertionError("pushing staged WAL failed", failure);
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError(segment + " was not archived in time");
                }
                Thread.sleep(100);
            }
        }

        /**
         * Lets a push under way finish before the thread ends. Interrupting it mid-push made the
         * file store's channel throw ClosedByInterruptException, reported here as a failed push.
         */
        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(60_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(5000);
                throw new AssertionError("the staged WAL pusher did not stop within 60 s");
            }
            if (failure != null) {
                throw new AssertionError("pushing staged WAL failed", failure);
            }
        }
    }
}
