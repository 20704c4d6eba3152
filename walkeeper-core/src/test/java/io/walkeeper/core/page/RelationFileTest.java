package io.walkeeper.core.page;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which files are scanned by page (PostgreSQL's is_checksummed_file rules) and which forks a delta stores by page. */
class RelationFileTest {

    @Test
    void relationFilesAreRecognisedWithForkAndSegment() {
        assertEquals(Optional.of(new RelationFile(null, 0)), RelationFile.parse("base/5/16384"));
        assertEquals(Optional.of(new RelationFile(null, 3)), RelationFile.parse("base/5/16384.3"));
        assertEquals(Optional.of(new RelationFile("vm", 0)), RelationFile.parse("base/5/16384_vm"));
        assertEquals(Optional.of(new RelationFile("fsm", 1)), RelationFile.parse("global/1262_fsm.1"));
        assertEquals(Optional.of(new RelationFile("init", 0)), RelationFile.parse("pg_tblspc/16390/PG_15_202209061/5/16391_init"));
        assertEquals(131072L * 3 + 7, RelationFile.parse("base/5/16384.3").orElseThrow().absoluteBlock(7, 131072));
    }

    @Test
    void everythingElseIsCopiedWhole() {
        for (String p : new String[] {"global/pg_control", "base/5/pg_filenode.map", "base/5/PG_VERSION", "pg_xact/0000",
                "pg_multixact/offsets/0000", "base/5/t3_16384", "base/5/16384_main", "base/5/16384.01", "base/x/16384",
                "pg_tblspc/16390/16384", "postgresql.conf", "base/5/16384.1.2"}) {
            assertTrue(RelationFile.parse(p).isEmpty(), p);
        }
    }

    @Test
    void visibilityMapAndFreeSpaceMapAreNotStoredByPage() {
        assertTrue(RelationFile.parse("base/5/1").orElseThrow().pageIncremental());
        assertTrue(RelationFile.parse("base/5/1_init").orElseThrow().pageIncremental());
        assertFalse(RelationFile.parse("base/5/1_vm").orElseThrow().pageIncremental());
        assertFalse(RelationFile.parse("base/5/1_fsm").orElseThrow().pageIncremental());
    }

    @Test
    void pageVerdicts() {
        byte[] zero = new byte[8192];
        assertEquals(Pages.Verdict.ZERO, Pages.verify(zero, 0, 8192, true, 0));
        byte[] page = new byte[8192];
        page[12] = 28; // pd_lower
        page[14] = 0; page[15] = 0x10; // pd_upper 4096
        page[16] = 0; page[17] = 0x20; // pd_special 8192
        page[18] = 4; page[19] = 0x20; // size 8192, version 4
        page[5000] = 42;
        int sum = PageChecksum.compute(page, 0, 8192, 9);
        page[8] = (byte) sum;
        page[9] = (byte) (sum >>> 8);
        assertEquals(Pages.Verdict.VALID, Pages.verify(page, 0, 8192, true, 9));
        assertEquals(Pages.Verdict.BAD_CHECKSUM, Pages.verify(page, 0, 8192, true, 10), "the block number is in the checksum");
        page[5000] = 43;
        assertEquals(Pages.Verdict.BAD_CHECKSUM, Pages.verify(page, 0, 8192, true, 9));
        assertEquals(Pages.Verdict.VALID, Pages.verify(page, 0, 8192, false, 9));
        page[10] = 8; // unknown pd_flags bit
        assertEquals(Pages.Verdict.BAD_HEADER, Pages.verify(page, 0, 8192, false, 9));
        byte[] garbage = new byte[8192];
        garbage[100] = 1; // pd_upper 0 but not all zero
        assertEquals(Pages.Verdict.BAD_HEADER, Pages.verify(garbage, 0, 8192, false, 0));
    }
}
