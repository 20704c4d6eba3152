package io.walkeeper.core.backup;

import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.restore.DefaultRestorer;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A file replaced between two backups by one of the same size with the old modification time
 * ({@code cp -p}, {@code rsync -a}, a restored config file, a clock stepped back) must reach the
 * delta: small files that a delta stores whole when changed are compared by content, not by size
 * and modification time.
 */
class SameSizeSameMtimeTest {
    @TempDir
    Path tmp;

    @Test
    void aSmallFileReplacedWithTheSameSizeAndModificationTimeIsStoredAgain() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("global"));
        Files.createDirectories(data.resolve("base/1"));
        byte[] control = new byte[8192];
        new Random(3).nextBytes(control);
        Files.write(data.resolve("global/pg_control"), control);
        Path conf = data.resolve("postgresql.conf");
        Path vm = data.resolve("base/1/16384_vm");
        Files.writeString(conf, "shared_buffers = '128MB'\nwork_mem = '4MB'\n", StandardCharsets.UTF_8);
        byte[] vmPage = new byte[8192];
        vmPage[100] = (byte) 0xFF;
        Files.write(vm, vmPage);
        Instant mtime = Instant.parse("2026-01-01T00:00:00Z");
        Files.setLastModifiedTime(conf, FileTime.from(mtime));
        Files.setLastModifiedTime(vm, FileTime.from(mtime));

        Repository repo = new Repository(new InMemoryBlobStore(),
                new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null, Providers.codecs()));
        BackupManifest full = TestBackups.take(repo, data, "base_full", new Lsn(1L << 24),
                Instant.parse("2026-01-01T01:00:00Z"), null, 10);

        Files.writeString(conf, "shared_buffers = '256MB'\nwork_mem = '4MB'\n", StandardCharsets.UTF_8);
        vmPage[100] = (byte) 0xFC; // heap changes clear visibility-map bits
        Files.write(vm, vmPage);
        Files.setLastModifiedTime(conf, FileTime.from(mtime));
        Files.setLastModifiedTime(vm, FileTime.from(mtime));
        BackupManifest delta = TestBackups.take(repo, data, "base_delta", new Lsn(2L << 24),
                Instant.parse("2026-01-01T02:00:00Z"), full, 10);

        Path restored = tmp.resolve("restored");
        new DefaultRestorer(repo, 2).restore(RestoreRequest.of(BackupSelector.named(delta.name()), restored, "false"));
        assertEquals(Files.readString(conf), Files.readString(restored.resolve("postgresql.conf")));
        assertArrayEquals(vmPage, Files.readAllBytes(restored.resolve("base/1/16384_vm")));

        BackupManifest again = TestBackups.take(repo, data, "base_again", new Lsn(3L << 24),
                Instant.parse("2026-01-01T03:00:00Z"), delta, 10);
        assertEquals(FileEntry.Storage.UNCHANGED, entry(again, "postgresql.conf").storageKind(),
                "a file that did not change is not stored");
        assertEquals(FileEntry.Storage.UNCHANGED, entry(again, "base/1/16384_vm").storageKind());
    }

    private static FileEntry entry(BackupManifest m, String path) {
        return m.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
    }
}
