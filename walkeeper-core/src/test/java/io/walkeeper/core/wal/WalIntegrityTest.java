package io.walkeeper.core.wal;

import io.walkeeper.api.BackupKind;
import io.walkeeper.api.ClusterWalState;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import io.walkeeper.api.WalVerification;
import io.walkeeper.api.WalVerification.Status;
import io.walkeeper.core.repo.BackupManifest;
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
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** wal-verify's checks on archives built by hand: complete, lost, pending, across a timeline switch, a newer timeline. */
class WalIntegrityTest {
    private static final long SIZE = 16L << 20;

    @TempDir
    Path dir;

    private final InMemoryBlobStore store = new InMemoryBlobStore();
    private final Repository repository = new Repository(store, new ObjectFormat(Providers.codec("lz4"), null, null,
            Providers.codecs()));
    private final DefaultWalArchiver archiver = new DefaultWalArchiver(repository);

    private void segments(String... names) {
        for (String n : names) {
            store.put("wal/" + n + ".lz4", out -> out.write(n.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private void backup(String startSegment, String startLsn, Instant finished) {
        repository.writeManifest(BackupManifest.builder().name("base_" + startSegment).kind(BackupKind.FULL)
                .timeline(TimelineId.parseHex(startSegment.substring(0, 8))).startLsn(Lsn.parse(startLsn))
                .stopLsn(Lsn.parse(startLsn).plus(0x100)).startWalSegment(startSegment).stopWalSegment(startSegment)
                .startTime(finished.minusSeconds(10)).finishTime(finished).pgVersionNum(170000).systemIdentifier("1")
                .walSegmentSize(SIZE).blockSize(8192).backupLabel("START WAL LOCATION: " + startLsn).parts(List.of())
                .files(List.of()).build());
    }

    private static ClusterWalState cluster(long timeline, String current, String lastArchived, Set<String> ready) {
        return new ClusterWalState(TimelineId.of(timeline), current, lastArchived, ready, SIZE);
    }

    @Test
    void everySegmentFromTheOldestBackupToThePresentIsOk() {
        segments("000000010000000000000002", "000000010000000000000003", "000000010000000000000004",
                "000000010000000000000001");
        backup("000000010000000000000003", "0/3000028", Instant.parse("2026-12-01T10:00:00Z"));
        backup("000000010000000000000002", "0/2000028", Instant.parse("2026-12-01T09:00:00Z"));
        WalVerification v = archiver.verify(cluster(1, "000000010000000000000005", "000000010000000000000004", Set.of()));
        assertEquals(Status.OK, v.integrity());
        assertEquals(Status.OK, v.timeline());
        assertEquals("000000010000000000000002", v.firstSegment(), "from the backup that finished first");
        assertEquals("000000010000000000000004", v.lastSegment(), "the current segment is not expected yet");
        assertEquals(3, v.segmentsChecked());
    }

    @Test
    void aMissingSegmentTheServerArchivedIsLostAndOneItHasNotIsPending() {
        segments("000000010000000000000002", "000000010000000000000004", "000000010000000000000005.partial");
        backup("000000010000000000000002", "0/2000028", Instant.parse("2026-12-01T09:00:00Z"));
        WalVerification v = archiver.verify(cluster(1, "000000010000000000000008", "000000010000000000000005",
                Set.of("000000010000000000000006")));
        assertEquals(Status.FAILURE, v.integrity());
        assertEquals(List.of("000000010000000000000003", "000000010000000000000005"), v.lost(),
                "03 is gone, and 05 is archived only as .partial");
        assertEquals(List.of("000000010000000000000006", "000000010000000000000007"), v.pending(),
                "06 is .ready, 07 is after the last archived");
        assertEquals(Status.FAILURE, v.overall());

        WalVerification onlyPending = archiver.verify(cluster(1, "000000010000000000000003", null, Set.of()));
        assertEquals(Status.OK, onlyPending.integrity(), "02 is archived and 03 is current");
    }

    @Test
    void thePathFollowsTheHistoryAndTheSwitchSegmentBelongsToTheNewTimeline() throws IOException {
        segments("000000010000000000000002", "000000010000000000000003", "000000010000000000000004",
                "000000010000000000000005.partial", "000000010000000000000006", // 06 on the abandoned timeline 1
                "000000020000000000000005", "000000020000000000000006");
        history("00000002.history", "1\t0/5000100\tno recovery target specified\n");
        backup("000000010000000000000002", "0/2000028", Instant.parse("2026-12-01T09:00:00Z"));
        WalVerification v = archiver.verify(cluster(2, "000000020000000000000007", "000000020000000000000006", Set.of()));
        assertEquals(Status.OK, v.integrity(), v.toString());
        assertEquals("000000020000000000000006", v.lastSegment());

        store.delete(List.of("wal/000000020000000000000005.lz4"));
        WalVerification gap = archiver.verify(cluster(2, "000000020000000000000007", "000000020000000000000006", Set.of()));
        assertEquals(List.of("000000020000000000000005"), gap.lost(), "timeline 1's .partial does not stand in for it");
    }

    @Test
    void aBackupHistoryFileDoesNotStandInForItsSegment() {
        // PostgreSQL archives 000000010000000000000003.00000028.backup when a backup of segment 03 stops
        segments("000000010000000000000002", "000000010000000000000003.00000028.backup", "000000010000000000000004");
        backup("000000010000000000000002", "0/2000028", Instant.parse("2026-12-01T09:00:00Z"));
        WalVerification v = archiver.verify(cluster(1, "000000010000000000000005", "000000010000000000000004", Set.of()));
        assertEquals(Status.FAILURE, v.integrity(), v.toString());
        assertEquals(List.of("000000010000000000000003"), v.lost());
    }

    @Test
    void aNewerTimelineInTheArchiveWarnsAndAMissingHistoryFails() throws IOException {
        segments("000000010000000000000002", "000000010000000000000003");
        backup("000000010000000000000002", "0/2000028", Instant.parse("2026-12-01T09:00:00Z"));
        history("00000002.history", "1\t0/3000100\tpromoted elsewhere\n");
        WalVerification newer = archiver.verify(cluster(1, "000000010000000000000004", "000000010000000000000003", Set.of()));
        assertEquals(Status.OK, newer.integrity());
        assertEquals(Status.WARNING, newer.timeline());
        assertEquals(List.of(TimelineId.of(2)), newer.newerTimelines());

        WalVerification noHistory = archiver.verify(cluster(3, "000000030000000000000004", null, Set.of()));
        assertEquals(Status.FAILURE, noHistory.integrity());
        assertEquals("00000003.history", noHistory.lost().get(0));
    }

    @Test
    void withoutABackupThereIsNothingToCheckFrom() {
        segments("000000010000000000000002");
        WalVerification v = archiver.verify(cluster(1, "000000010000000000000003", null, Set.of()));
        assertEquals(Status.WARNING, v.integrity());
        assertEquals(0, v.segmentsChecked());
    }

    private void history(String name, String text) throws IOException {
        archiver.push(Files.writeString(dir.resolve(name), text));
    }
}
