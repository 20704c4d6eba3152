package io.walkeeper.core;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.PostgresException;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input against a real backup: wrong data directory, corrupt and truncated parts, a manifest
 * that does not parse, a non-empty restore target. Each must fail clearly and change nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
    private Path work;
    private PostgresCluster pg;
    private WalKeeper wk;
    private JavaApiRoundTripIT.StagedWalPusher pusher;
    private BackupInfo backup;

    @BeforeAll
    void takeOneBackup() throws Exception {
        work = Files.createTempDirectory("walkeeper-bad-input");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path staging = Files.createDirectories(work.resolve("staging"));
        pg = PostgresCluster.builder().dataDir(work.resolve("data")).build();
        pg.grantToPostgresUser(staging);
        pg.archiveCommand(JavaApiRoundTripIT.StagedWalPusher.stagingCommand(staging));
        pg.initdb().start();
        pg.pgbenchInit(1);
        wk = WalKeeper.builder().storage(URI.create("file://" + work.resolve("repo")), Map.of())
                .postgres(PgConnection.of("127.0.0.1", pg.port(), "postgres"), pg.dataDir())
                .partSizeThreshold(4L << 20)
                .walArchiveTimeout(Duration.ofSeconds(60))
                .build();
        pusher = new JavaApiRoundTripIT.StagedWalPusher(wk, staging);
        backup = wk.backups().push(BackupRequest.full());
        assertTrue(backup.partCount() > 2, "small parts so that a middle part can be damaged: " + backup);
    }

    @AfterAll
    void cleanUp() throws Exception {
        pusher.close();
        wk.close();
        pg.close();
        JavaApiRoundTripIT.deleteTree(work);
    }

    private List<String> keys(String prefix) {
        try (Stream<BlobInfo> s = wk.store().list(prefix)) {
            return s.map(BlobInfo::key).toList();
        }
    }

    private byte[] read(String key) throws IOException {
        try (InputStream in = wk.store().get(key)) {
            return in.readAllBytes();
        }
    }

    private RestoreRequest restoreInto(Path dir) {
        return RestoreRequest.of(BackupSelector.named(backup.name()), dir, "false");
    }

    @Test
    void backupOfADirectoryThatIsNotTheServersIsRefusedAndStoresNothing() throws IOException {
        Path other = Files.createDirectories(work.resolve("not-the-data-dir"));
        List<String> before = keys("");
        try (WalKeeper wrong = wk.toBuilder().postgres(PgConnection.of("127.0.0.1", pg.port(), "postgres"), other).build()) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> wrong.backups().push(BackupRequest.full()));
            assertTrue(e.getMessage().contains(other.toString()) && e.getMessage().contains(pg.dataDir().toString()), e.getMessage());
        }
        assertEquals(before, keys(""));
        assertEquals(1, wk.backups().list().size());
    }

    @Test
    void aFlippedByteInAPartIsNamedAndTheRestoreIsUndone() throws IOException {
        String part = keys("backups/" + backup.name() + "/").get(1);
        byte[] good = read(part);
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 0x01;
        wk.store().put(part, out -> out.write(bad));
        try {
            Path dest = work.resolve("restore-flipped");
            IntegrityException e = assertThrows(IntegrityException.class, () -> wk.restorer().restore(restoreInto(dest)));
            assertTrue(e.getMessage().contains(part), e.getMessage());
            assertFalse(Files.exists(dest), "the restore created the directory and must remove it again");
        } finally {
            wk.store().put(part, out -> out.write(good));
        }
    }

    @Test
    void aTruncatedPartIsNamed() throws IOException {
        String part = keys("backups/" + backup.name() + "/").get(0);
        byte[] good = read(part);
        wk.store().put(part, out -> out.write(good, 0, good.length - 100));
        try {
            Path dest = Files.createDirectories(work.resolve("restore-truncated"));
            IntegrityException e = assertThrows(IntegrityException.class, () -> wk.restorer().restore(restoreInto(dest)));
            assertTrue(e.getMessage().contains(part), e.getMessage());
            try (Stream<Path> s = Files.list(dest)) {
                assertEquals(0, s.count(), "the empty target directory is left empty");
            }
        } finally {
            wk.store().put(part, out -> out.write(good));
        }
    }

    @Test
    void aRestoreIntoANonEmptyDirectoryChangesNothing() throws IOException {
        Path dest = Files.createDirectories(work.resolve("restore-busy"));
        Files.writeString(dest.resolve("precious.txt"), "keep me");
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> wk.restorer().restore(restoreInto(dest)));
        assertTrue(e.getMessage().contains("not empty") && e.getMessage().contains(dest.toString()), e.getMessage());
        try (Stream<Path> s = Files.list(dest)) {
            assertEquals(List.of(dest.resolve("precious.txt")), s.toList());
        }
        assertEquals("keep me", Files.readString(dest.resolve("precious.txt")));
    }

    @Test
    void aManifestThatDoesNotParseIsNamedAndSkippedInListings() throws IOException {
        String key = "backups/base_0000000100000000000000AA.json";
        wk.store().create(key, out -> out.write("{\"formatVersion\": 1, \"name\": ".getBytes()));
        try {
            assertEquals(List.of(backup.name()), wk.backups().list().stream().map(BackupInfo::name).toList());
            IntegrityException e = assertThrows(IntegrityException.class, () -> wk.backups().find("base_0000000100000000000000AA"));
            assertTrue(e.getMessage().contains(key), e.getMessage());
            Path dest = work.resolve("restore-bad-manifest");
            assertThrows(IntegrityException.class, () -> wk.restorer().restore(
                    RestoreRequest.of(BackupSelector.named("base_0000000100000000000000AA"), dest, "false")));
            assertFalse(Files.exists(dest));
        } finally {
            wk.store().delete(List.of(key));
        }
    }

    @Test
    void anUnknownBackupNameIsNotFound() {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> wk.backups().select(BackupSelector.named("base_000000010000000000000099")));
        assertTrue(e.getMessage().contains("base_000000010000000000000099"), e.getMessage());
    }

    @Test
    void aBackupWithoutWalArchivingIsRefusedBeforeItStarts() throws IOException {
        try (PostgresCluster noArchive = PostgresCluster.builder().dataDir(work.resolve("no-archive")).build();
             WalKeeper other = WalKeeper.builder().storage(URI.create("file://" + work.resolve("repo2")), Map.of())
                     .postgres(PgConnection.of("127.0.0.1", 1, "postgres"), work).build()) {
            noArchive.initdb().start();
            try (WalKeeper w = other.toBuilder().postgres(PgConnection.of("127.0.0.1", noArchive.port(), "postgres"),
                    noArchive.dataDir()).build()) {
                PostgresException e = assertThrows(PostgresException.class, () -> w.backups().push(BackupRequest.full()));
                assertTrue(e.getMessage().contains("archive_mode is off"), e.getMessage());
                try (Stream<BlobInfo> s = w.store().list("backups/")) {
                    assertEquals(0, s.count());
                }
            }
        }
    }
}
