package io.walkeeper.core.pg;

import io.walkeeper.api.Lsn;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows of {@code pg_wal_summary_contents} mapped onto the segment files of a data directory. */
class ChangedBlocksTest {
    private static final Lsn FROM = new Lsn(0x3000028L);
    private static final Lsn TO = new Lsn(0x4000028L);
    private static final long PER_SEGMENT = 4;

    @Test
    void blocksAreNumberedFromTheStartOfTheirSegmentFileSortedAndWithoutRepeats() {
        ChangedBlocks.Builder b = ChangedBlocks.builder(FROM, TO, 100);
        for (long block : new long[] {9, 1, 5, 1, 3, 9, 4}) {
            b.add(16384, 1663, 5, 0, block, false);
        }
        ChangedBlocks c = b.build();
        assertEquals(5, c.blockCount());
        assertArrayEquals(new int[] {1, 3}, c.forFile("base/5/16384", PER_SEGMENT).blocks());
        assertArrayEquals(new int[] {0, 1}, c.forFile("base/5/16384.1", PER_SEGMENT).blocks());
        assertArrayEquals(new int[] {1}, c.forFile("base/5/16384.2", PER_SEGMENT).blocks());
        assertEquals(0, c.forFile("base/5/16384.3", PER_SEGMENT).blocks().length);
        assertEquals(Long.MAX_VALUE, c.forFile("base/5/16384", PER_SEGMENT).limit());
    }

    @Test
    void forksTablespacesAndTheGlobalDirectoryAreToldApart() {
        ChangedBlocks.Builder b = ChangedBlocks.builder(FROM, TO, 100);
        b.add(16384, 1663, 5, 3, 0, false);      // init fork
        b.add(1262, 1664, 0, 0, 2, false);       // a shared catalog in global/
        b.add(16390, 16400, 5, 0, 1, false);     // a user tablespace
        b.add(16384, 1663, 6, 0, 7, false);      // same relfilenode, other database
        ChangedBlocks c = b.build();
        assertArrayEquals(new int[] {0}, c.forFile("base/5/16384_init", 100).blocks());
        assertSame(ChangedBlocks.FileBlocks.NONE, c.forFile("base/5/16384", 100));
        assertSame(ChangedBlocks.FileBlocks.NONE, c.forFile("base/5/16384_fsm", 100));
        assertArrayEquals(new int[] {2}, c.forFile("global/1262", 100).blocks());
        assertArrayEquals(new int[] {1}, c.forFile("pg_tblspc/16400/PG_17_202406281/5/16390", 100).blocks());
        assertSame(ChangedBlocks.FileBlocks.NONE, c.forFile("base/5/16390", 100));
        assertArrayEquals(new int[] {7}, c.forFile("base/6/16384", 100).blocks());
    }

    @Test
    void theLowestLimitBlockCountsAndAppliesToLaterSegmentsWhole() {
        ChangedBlocks.Builder b = ChangedBlocks.builder(FROM, TO, 100);
        b.add(16384, 1663, 5, 0, 6, true);
        b.add(16384, 1663, 5, 0, 5, true);
        b.add(16384, 1663, 5, 0, 9, true);
        b.add(16384, 1663, 5, 0, 2, false);
        ChangedBlocks c = b.build();
        ChangedBlocks.FileBlocks first = c.forFile("base/5/16384", PER_SEGMENT);
        assertEquals(5, first.limit(), "past the end of the first segment: no limit inside it");
        assertFalse(first.all());
        assertEquals(1, c.forFile("base/5/16384.1", PER_SEGMENT).limit());
        assertTrue(c.forFile("base/5/16384.2", PER_SEGMENT).all(), "wholly past the limit");
        assertEquals(1, c.blockCount(), "limit rows are not modified blocks");
    }

    @Test
    void aDatabaseCreatedOrDroppedMeanwhileMakesEachOfItsFilesChanged() {
        ChangedBlocks.Builder b = ChangedBlocks.builder(FROM, TO, 100);
        b.add(0, 1663, 16392, 0, 0, true);
        ChangedBlocks c = b.build();
        assertTrue(c.forFile("base/16392/1259", 100).all());
        assertTrue(c.forFile("base/16392/16384_vm", 100).all());
        assertSame(ChangedBlocks.FileBlocks.NONE, c.forFile("base/5/1259", 100));
    }

    @Test
    void aPathThatIsNotARelationFileCountsAsChanged() {
        ChangedBlocks c = ChangedBlocks.builder(FROM, TO, 100).build();
        assertTrue(c.forFile("base/5/pg_filenode.map", 100).all());
        assertTrue(c.forFile("postgresql.conf", 100).all());
    }

    @Test
    void theBuilderRefusesMoreBlocksThanItsMaximum() {
        ChangedBlocks.Builder b = ChangedBlocks.builder(FROM, TO, 3);
        assertTrue(b.add(1, 1663, 5, 0, 1, false));
        assertTrue(b.add(1, 1663, 5, 0, 2, false));
        assertTrue(b.add(1, 1663, 5, 0, 3, false));
        assertTrue(b.add(1, 1663, 5, 0, 9, true), "a limit row holds no block");
        assertFalse(b.add(1, 1663, 5, 0, 4, false));
    }
}
