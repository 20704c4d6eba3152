package io.walkeeper.core.drill;

import io.walkeeper.api.DrillCheck;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where recovery to the end of the archive stopped, against what the archive holds. */
class WalContinuityTest {
    private static final long SEGMENT = 16L << 20;

    private static Repository archive(String... keys) {
        InMemoryBlobStore store = new InMemoryBlobStore();
        for (String k : keys) {
            store.create("wal/" + k, out -> out.write(1));
        }
        return new Repository(store, new ObjectFormat(Providers.codec("lz4"), null, null, Providers.codecs()));
    }

    @Test
    void recoveryThatUsedTheWholeArchivePasses() {
        Repository repo = archive("000000010000000000000002.lz4", "000000010000000000000003.lz4",
                "000000010000000000000004.partial.lz4", "000000010000000000000004.00000028.backup.lz4",
                "000000020000000000000009.lz4", "00000002.history.lz4");
        DrillCheck c = WalContinuity.afterRecovery(repo, "000000010000000000000003", SEGMENT);
        assertEquals(DrillCheck.Status.PASSED, c.status(), "neither a .partial nor a backup history file is segment 04: "
                + c.detail());
    }

    @Test
    void aHoleBeforeLaterSegmentsIsNamed() {
        Repository repo = archive("000000010000000000000002.lz4", "000000010000000000000003.lz4",
                "000000010000000000000005.lz4", "000000010000000000000006.lz4");
        DrillCheck c = WalContinuity.afterRecovery(repo, "000000010000000000000003", SEGMENT);
        assertEquals(DrillCheck.Status.FAILED, c.status());
        assertTrue(c.detail().startsWith("WAL segment 000000010000000000000004 is missing"), c.detail());
        assertTrue(c.detail().contains("up to 000000010000000000000006"), c.detail());
    }

    @Test
    void stoppingBeforeSegmentsThatAreThereIsAFailureToo() {
        Repository repo = archive("000000010000000000000003.lz4", "000000010000000000000004.lz4");
        DrillCheck c = WalContinuity.afterRecovery(repo, "000000010000000000000003", SEGMENT);
        assertEquals(DrillCheck.Status.FAILED, c.status());
        assertTrue(c.detail().contains("the server log's last lines say why"), c.detail());
    }

    @Test
    void theFirstSegmentMissingForConsistencyIsFound() {
        Repository repo = archive("000000010000000000000002.lz4", "000000010000000000000004.lz4");
        assertEquals(Optional.of("000000010000000000000003"),
                WalContinuity.firstMissing(repo, "000000010000000000000002", "000000010000000000000004", SEGMENT));
        assertEquals(Optional.empty(),
                WalContinuity.firstMissing(repo, "000000010000000000000002", "000000010000000000000002", SEGMENT));
    }
}
