package io.walkeeper.core.backup;

import io.walkeeper.api.RetentionPolicy;
import io.walkeeper.core.repo.RepositoryLayout;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.storage.fs.FsBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Drill reports ({@code drills/<backup>/...}) go with their backup: retention, {@code delete
 * everything} and {@code delete garbage} leave no report of a backup that no longer exists, and
 * keep the reports of the backups they keep.
 */
class DrillReportsDeletionTest {
    private static final List<String> NAMES = Stream.of(2, 4, 6).map(SyntheticBackups::name).toList();

    @TempDir
    Path tmp;

    private SyntheticBackups fixture;
    private FsBlobStore store;
    private DefaultBackupRepository backups;

    @BeforeEach
    void threeBackupsEachDrilledTwice() throws IOException {
        fixture = new SyntheticBackups(tmp, 1);
        store = fixture.store;
        for (int seg = 2; seg <= 6; seg += 2) {
            String name = fixture.takeFull(seg);
            for (String at : List.of("20260101T010000000Z", "20260102T010000000Z")) {
                report(name, at);
            }
        }
        backups = fixture.backups();
    }

    @AfterEach
    void close() {
        fixture.close();
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
