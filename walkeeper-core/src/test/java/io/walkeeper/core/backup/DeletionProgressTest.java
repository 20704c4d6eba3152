package io.walkeeper.core.backup;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.DeletionListener;
import io.walkeeper.api.DeletionProgress;
import io.walkeeper.api.GarbageResult;
import io.walkeeper.api.RetentionPolicy;
import io.walkeeper.api.RetentionResult;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryLayout;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.storage.fs.FsBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link DeletionListener} of retention, {@code delete everything} and {@code delete garbage}
 * on a file store: counts that only grow, never pass their totals and end at them, totals that
 * match what was deleted, no event in a dry run, and a listener that throws at every event never
 * failing the deletion.
 */
class DeletionProgressTest {
    @TempDir
    Path tmp;

    private SyntheticBackups fixture;
    private FsBlobStore store;
    private Repository repo;
    private DefaultBackupRepository backups;

    @BeforeEach
    void fourBackupsAndTheirWal() throws IOException {
        fixture = new SyntheticBackups(tmp, 5);
        store = fixture.store;
        repo = fixture.repo;
        for (int seg = 1; seg <= 9; seg++) {
            String name = String.format("0000000100000000000000%02X", seg);
            store.create(repo.format().keyFor(RepositoryLayout.walBase(name)), out -> out.write(new byte[16]));
        }
        for (int seg = 2; seg <= 8; seg += 2) {
            fixture.takeFull(seg);
        }
        backups = fixture.backups();
        assertEquals(4, backups.list().size());
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    /** Records every event and throws, as a broken metrics exporter would. */
    private static final class Throwing implements DeletionListener {
        final List<DeletionProgress> events = new ArrayList<>();

        @Override
        public void onProgress(DeletionProgress progress) {
            events.add(progress);
            throw new IllegalStateException("a listener that fails must not fail the deletion");
        }
    }

    private Set<String> keys() {
        try (Stream<BlobInfo> s = store.list("")) {
            return s.map(BlobInfo::key).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** Monotone, never past the totals, the first with nothing done, the last finished with done = total. */
    private static DeletionProgress checkEvents(List<DeletionProgress> events, String operation) {
        assertTrue(events.size() >= 2, events.toString());
        DeletionProgress first = events.get(0);
        assertEquals(0, first.backupsDone());
        assertEquals(0, first.objectsDone());
        DeletionProgress previous = first;
        for (DeletionProgress p : events) {
            assertEquals(operation, p.operation());
            assertTrue(p.backupsDone() >= previous.backupsDone() && p.objectsDone() >= previous.objectsDone(),
                    "counts only grow: " + events);
            assertTrue(p.backupsDone() <= p.backupsTotal() && p.objectsDone() <= p.objectsTotal(), "never past: " + p);
            assertTrue(p == events.get(events.size() - 1) || !p.finished(), "only the last is finished: " + events);
            previous = p;
        }
        DeletionProgress last = events.get(events.size() - 1);
        assertTrue(last.finished(), events.toString());
        assertEquals(last.backupsTotal(), last.backupsDone());
        assertEquals(last.objectsTotal(), last.objectsDone());
        return last;
    }

    @Test
    void retentionCountsBackupsAndObjectsToTheirTotals() {
        Throwing dry = new Throwing();
        Set<String> before = keys();
        RetentionResult planned = backups.applyRetention(RetentionPolicy.keepFullBackups(1), true, dry);
        assertEquals(3, planned.deleted().size());
        assertEquals(List.of(), dry.events, "a dry run sends nothing");
        assertEquals(before, keys());

        Throwing listener = new Throwing();
        RetentionResult result = backups.applyRetention(RetentionPolicy.keepFullBackups(1), false, listener);
        assertEquals(3, result.deleted().size());
        DeletionProgress last = checkEvents(listener.events, "retention");
        assertEquals(3, last.backupsDone());
        assertEquals(3, listener.events.get(0).backupsTotal(), "the backups are known from the start");
        Set<String> gone = new TreeSet<>(before);
        gone.removeAll(keys());
        // each backup's optional signature and mark are asked to go too, whether there or not
        long optional = result.deleted().stream().flatMap(b -> Stream.of(RepositoryLayout.manifestSignatureKey(b.name()),
                RepositoryLayout.markKey(b.name()))).filter(k -> !before.contains(k)).count();
        assertEquals(gone.size() + optional, last.objectsDone(), gone.toString());
        assertEquals(result.walObjectsDeleted(), gone.stream().filter(k -> k.startsWith(RepositoryLayout.WAL_PREFIX)).count());
        assertTrue(listener.events.stream().anyMatch(p -> p.phase().equals("backups"))
                && listener.events.stream().anyMatch(p -> p.phase().equals("wal")), listener.events.toString());
        assertEquals(List.of(backups.list().get(0).name()), result.kept().stream().map(BackupInfo::name).toList());
    }

    @Test
    void everythingCountsEveryObjectUnderBackupsAndWal() {
        Set<String> before = keys();
        Throwing listener = new Throwing();
        RetentionResult result = backups.deleteEverything(false, false, listener);
        assertEquals(4, result.deleted().size());
        DeletionProgress last = checkEvents(listener.events, "everything");
        assertEquals(4, last.backupsDone());
        Set<String> gone = new TreeSet<>(before);
        gone.removeAll(keys());
        assertEquals(gone.size(), last.objectsDone(), gone.toString());
        assertTrue(Set.of(RepositoryLayout.DESCRIPTOR).containsAll(keys()), keys().toString());
        assertEquals(last.objectsTotal(), listener.events.get(0).objectsTotal(), "everything is listed before deleting");
    }

    @Test
    void garbageCountsAbandonedBackupsAndOldWal() throws IOException {
        String orphan = "base_0000000100000000000000FE";
        store.put(RepositoryLayout.backupPrefix(orphan) + "part_0001.tar", out -> out.write(1));
        store.put(RepositoryLayout.backupPrefix(orphan) + "part_0002.tar", out -> out.write(2));
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
        try (Stream<Path> s = Files.walk(tmp.resolve("repo/backups/" + orphan))) {
            for (Path p : s.toList()) {
                Files.setLastModifiedTime(p, old);
            }
        }
        Set<String> before = keys();
        Throwing dry = new Throwing();
        backups.collectGarbage(true, dry);
        assertEquals(List.of(), dry.events, "a dry run sends nothing");

        Throwing listener = new Throwing();
        GarbageResult result = backups.collectGarbage(false, listener);
        assertEquals(List.of(orphan), result.abandonedBackups());
        assertEquals(1, result.walObjectsDeleted(), "the segment before the oldest backup");
        DeletionProgress last = checkEvents(listener.events, "garbage");
        assertEquals(1, last.backupsDone());
        Set<String> gone = new TreeSet<>(before);
        gone.removeAll(keys());
        assertEquals(gone.size() + result.abandonedWrites(), last.objectsDone(), gone.toString());
        assertEquals(3, gone.size(), gone.toString());
        assertFalse(keys().stream().anyMatch(k -> k.contains(orphan)));
    }
}
