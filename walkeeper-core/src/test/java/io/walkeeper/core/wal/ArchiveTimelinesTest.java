package io.walkeeper.core.wal;

import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import io.walkeeper.api.WalGap;
import io.walkeeper.api.WalTimeline;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-timeline view of an archive, from a listing that holds every kind of WAL object. */
class ArchiveTimelinesTest {
    @TempDir
    Path dir;

    private final InMemoryBlobStore store = new InMemoryBlobStore();
    private final DefaultWalArchiver archiver = new DefaultWalArchiver(new Repository(store,
            new ObjectFormat(Providers.codec("lz4"), null, null, Providers.codecs())));

    @Test
    void timelinesWithParentsGapsPartialSegmentsAndHistoryOnlyTimelines() throws IOException {
        // listed out of order on purpose: the view must not depend on a store's listing order
        for (String name : List.of("000000010000000000000005", "000000010000000000000001", "000000010000000000000003",
                "000000010000000000000002", "000000010000000000000006.partial", "000000010000000000000009",
                "000000010000000000000002.00000028.backup", "000000020000000000000007", "000000020000000000000006",
                "000000020000000000000007.partial")) {
            object("wal/" + name + ".lz4");
        }
        object("wal/README");
        history("00000002.history", "1\t0/6000028\tno recovery target specified\n");
        history("00000003.history", "1\t0/6000028\tno recovery target specified\n\n2\t0/7A00000\tbefore 2026-12-06\n");

        List<WalTimeline> timelines = archiver.timelines();

        assertEquals(List.of(TimelineId.of(1), TimelineId.of(2), TimelineId.of(3)),
                timelines.stream().map(WalTimeline::timeline).toList());
        WalTimeline one = timelines.get(0);
        assertTrue(one.parent().isEmpty());
        assertNull(one.switchLsn());
        assertFalse(one.historyArchived());
        assertEquals("000000010000000000000001", one.firstSegment());
        assertEquals("000000010000000000000009", one.lastSegment());
        assertEquals(6, one.segmentCount(), "01, 02, 03, 05, 06 (partial) and 09");
        assertEquals(List.of("000000010000000000000006"), one.partialSegments());
        assertEquals(List.of(new WalGap("000000010000000000000004", "000000010000000000000004", 1),
                new WalGap("000000010000000000000007", "000000010000000000000008", 2)), one.gaps());
        assertEquals(3, one.missingSegments());

        WalTimeline two = timelines.get(1);
        assertEquals(TimelineId.of(1), two.parentTimeline());
        assertEquals(Lsn.parse("0/6000028"), two.switchLsn());
        assertTrue(two.historyArchived());
        assertEquals("000000020000000000000006", two.firstSegment());
        assertEquals("000000020000000000000007", two.lastSegment());
        assertEquals(2, two.segmentCount());
        assertEquals(List.of(), two.partialSegments(), "07 is archived complete as well");
        assertEquals(List.of(), two.gaps());

        WalTimeline three = timelines.get(2);
        assertEquals(TimelineId.of(2), three.parentTimeline(), "the last line of the history names the parent");
        assertEquals(Lsn.parse("0/7A00000"), three.switchLsn());
        assertNull(three.firstSegment());
        assertEquals(0, three.segmentCount());
    }

    @Test
    void anEmptyArchiveHasNoTimelines() {
        assertEquals(List.of(), archiver.timelines());
    }

    private void object(String key) {
        store.put(key, out -> out.write(key.getBytes(StandardCharsets.UTF_8)));
    }

    private void history(String name, String text) throws IOException {
        Path file = Files.writeString(dir.resolve(name), text);
        archiver.push(file);
    }
}
