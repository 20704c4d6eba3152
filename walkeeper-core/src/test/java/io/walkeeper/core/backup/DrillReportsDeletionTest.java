package io.walkeeper.core.backup;

import io.walkeeper.api.DeltaOrigin;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.RetentionPolicy;
import io.walkeeper.core.pg.BackupSession;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryLayout;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.storage.fs.FsBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Drill reports ({@code drills/<backup>/...}) go with their backup: retention, {@code delete
 * everything} and {@code delete garbage} leave no report of a backup that no longer exists, and
 * keep the reports of the backups they keep.
 */
class DrillReportsDeletionTest {
    private static final List<String> NAMES = List.of("base_000000010000000000000002", "base_000000010000000000000004",
            "base_000000010000000000000006");

    @TempDir
    Path tmp;

    private FsBlobStore store;
    private DefaultBackupRepository backups;

    @BeforeEach
    void threeBackupsEachDrilledTwice() throws IOException {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("global"));
        Files.createDirectories(data.resolve("base/5"));
        byte[] control = new byte[8192];
        new Random(1).nextBytes(control);
        Files.write(data.resolve("global/pg_control"), control);
        Files.write(data.resolve("base/5/16384"), new byte[8192]);
        store = FsBlobStore.open(tmp.resolve("repo"));
        Repository repo = new Repository(store, new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null,
                Providers.codecs()));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < NAMES.size(); i++) {
            int seg = 2 + 2 * i;
            TestBackups.take(repo, data, NAMES.get(i), Lsn.parse("0/" + seg + "000028"), t.plusSeconds(seg * 60L), null, 2);
            for (String at : List.of("20260101T010000000Z", "20260102T010000000Z")) {
                report(NAMES.get(i), at);
            }
        }
        backups = new DefaultBackupRepository(repo, (Supplier<BackupSession>) null, null,
                new BackupSettings(1 << 20, 2, Duration.ofSeconds(5), 0, DeltaOrigin.LATEST, Duration.ofMinutes(1)));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void report(String backup, String at) {
        store.put(RepositoryLayout.DRILLS_PREFIX + backup + "/" + at + ".json",
                out -> out.write("{}".getBytes(StandardCharsets.UTF_8)));
    }

    /** The backups that have drill reports left. */
    private Set<String> drilled() {
        try (Stream<BlobInfo> s = store.list(RepositoryLayout.DRILLS_PREFIX)) {
            return s.map(b -> b.key().substring(RepositoryLayout.DRILLS_PREFIX.length()).split("/")[0])
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void retentionDeletesTheReportsOfTheBackupsItDeletes() {
        backups.applyRetention(RetentionPolicy.keepBackups(1), true);
        assertEquals(new TreeSet<>(NAMES), drilled(), "a dry run deletes nothing");
        backups.applyRetention(RetentionPolicy.keepBackups(1), false);
        assertEquals(Set.of(NAMES.get(2)), drilled());
    }

    @Test
    void deleteEverythingLeavesNoReport() {
        backups.deleteEverything(false, false);
        assertEquals(Set.of(), drilled());
    }

    @Test
    void garbageDeletesReportsWhoseBackupIsGone() {
        // a backup removed by hand, or by a version that did not know drill reports
        store.delete(List.of(RepositoryLayout.manifestKey(NAMES.get(0))));
        report("base_000000010000000000000099", "20260103T010000000Z"); // never existed
        backups.collectGarbage(true);
        assertEquals(new TreeSet<>(List.of(NAMES.get(0), NAMES.get(1), NAMES.get(2), "base_000000010000000000000099")),
                drilled(), "a dry run deletes nothing");
        backups.collectGarbage(false);
        assertEquals(Set.of(NAMES.get(1), NAMES.get(2)), drilled());
    }
}
