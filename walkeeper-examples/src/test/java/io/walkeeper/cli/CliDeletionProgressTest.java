package io.walkeeper.cli;

import io.walkeeper.api.DeletionProgress;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliDeletionProgressTest {

    @Test
    void aLineSaysBackupsAndObjectsDoneOfTheirTotals() {
        assertEquals("delete retention (wal): 3 of 3 backups, 1200 of 2400 objects (50 %)",
                CliDeletionProgress.line(new DeletionProgress("retention", "wal", false, 3, 3, 1200, 2400)));
        assertEquals("delete garbage (wal): 0 of 0 backups, 0 of 0 objects (100 %)",
                CliDeletionProgress.line(new DeletionProgress("garbage", "wal", false, 0, 0, 0, 0)));
    }

    @Test
    void elsewhereTheFirstLineAndTheLast() {
        StringWriter out = new StringWriter();
        CliDeletionProgress p = new CliDeletionProgress(new PrintWriter(out), false);
        p.onProgress(new DeletionProgress("everything", "backups", false, 0, 2, 0, 10));
        p.onProgress(new DeletionProgress("everything", "backups", false, 2, 2, 4, 10));
        p.onProgress(new DeletionProgress("everything", "wal", true, 2, 2, 10, 10));
        String[] lines = out.toString().split("\n");
        assertEquals(2, lines.length, out.toString());
        assertTrue(lines[1].startsWith("delete everything (wal): 2 of 2 backups, 10 of 10 objects (100 %), done in "),
                lines[1]);
    }
}
