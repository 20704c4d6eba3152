package io.walkeeper.core.restore;

import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.RecoveryTarget;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.RestoreResult;
import io.walkeeper.core.backup.TestBackups;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recovery target is given once, in the restore request: the README's own example,
 * {@code RestoreRequest.of(latest(), dir).target(time)}, must restore the newest backup that
 * finished before the target, not the newest backup (which ends after the target, so PostgreSQL
 * would refuse to start); a backup named explicitly that ends after a time or LSN target is
 * refused before anything is written.
 */
class RecoveryTargetSelectionTest {
    @TempDir
    Path tmp;

    private Repository repo;
    private BackupManifest first;
    private BackupManifest second;

    @BeforeEach
    void twoBackups() throws IOException {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("global"));
        byte[] b = new byte[8192];
        new Random(1).nextBytes(b);
        Files.write(data.resolve("global/pg_control"), b);
        repo = new Repository(new InMemoryBlobStore(),
                new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null, Providers.codecs()));
        // finished at 10:01 and 11:01, ending at 0/1001000 and 0/2001000
        first = TestBackups.take(repo, data, "base_first", new Lsn(1L << 24), Instant.parse("2026-01-01T10:00:00Z"), null, 5);
        second = TestBackups.take(repo, data, "base_second", new Lsn(2L << 24), Instant.parse("2026-01-01T11:00:00Z"), null, 5);
    }

    private RestoreResult restore(BackupSelector selector, RecoveryTarget target, String dir) {
        return new DefaultRestorer(repo, 2).restore(RestoreRequest.of(selector, tmp.resolve(dir), "x")
                .target(target));
    }

    @Test
    void latestWithATimeOrLsnTargetRestoresTheNewestBackupBeforeIt() {
        assertEquals(first.name(), restore(BackupSelector.latest(), RecoveryTarget.time(Instant.parse("2026-01-01T10:30:00Z")),
                "time").backup().name());
        assertEquals(first.name(), restore(BackupSelector.latest(), RecoveryTarget.lsn(Lsn.parse("0/1800000")), "lsn")
                .backup().name());
        assertEquals(second.name(), restore(BackupSelector.latest(), RecoveryTarget.time(Instant.parse("2026-01-01T12:00:00Z")),
                "later").backup().name());
        assertEquals(second.name(), restore(BackupSelector.latest(), RecoveryTarget.xid("1234"), "xid").backup().name(),
                "a transaction id says nothing about which backup precedes it");
    }

    @Test
    void aNamedBackupThatEndsAfterTheTargetIsRefused() {
        InvalidRequestException time = assertThrows(InvalidRequestException.class, () -> restore(
                BackupSelector.named(second.name()), RecoveryTarget.time(Instant.parse("2026-01-01T10:30:00Z")), "t"));
        assertTrue(time.getMessage().contains(second.name()) && time.getMessage().contains("not before the target"),
                time.getMessage());
        InvalidRequestException lsn = assertThrows(InvalidRequestException.class, () -> restore(
                BackupSelector.named(second.name()), RecoveryTarget.lsn(Lsn.parse("0/1800000")), "l"));
        assertTrue(lsn.getMessage().contains("after the target"), lsn.getMessage());
        assertFalse(Files.exists(tmp.resolve("t")) || Files.exists(tmp.resolve("l")), "nothing written");
        assertEquals(first.name(), restore(BackupSelector.named(first.name()),
                RecoveryTarget.time(Instant.parse("2026-01-01T10:30:00Z")), "ok").backup().name());
    }
}
