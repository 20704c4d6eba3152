package io.walkeeper.core.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ArchiveStatusTest {
    @TempDir
    Path dir;

    @Test
    void listsOnlyReadySegmentsStillPresentOldestFirst() throws IOException {
        Path status = Files.createDirectories(dir.resolve("archive_status"));
        for (String name : List.of("000000010000000000000003", "000000010000000000000001", "000000010000000000000002",
                "00000002.history", "000000010000000000000004.partial", "000000010000000000000001.00000028.backup")) {
            Files.writeString(dir.resolve(name), "x");
            Files.writeString(status.resolve(name + ".ready"), "");
        }
        Files.writeString(dir.resolve("000000010000000000000005"), "x");
        Files.writeString(status.resolve("000000010000000000000005.done"), "");
        // marked ready but already gone from pg_wal
        Files.writeString(status.resolve("000000010000000000000006.ready"), "");
        // marked ready but not a regular file
        Files.createDirectories(dir.resolve("000000010000000000000007"));
        Files.writeString(status.resolve("000000010000000000000007.ready"), "");
        Files.writeString(status.resolve("not-wal.ready"), "");

        assertEquals(List.of("000000010000000000000001", "000000010000000000000002", "000000010000000000000003"),
                ArchiveStatus.readySegments(dir));
    }

    @Test
    void aMissingStatusDirectoryIsTheCallersToReport() {
        assertThrows(IOException.class, () -> ArchiveStatus.readySegments(dir));
    }
}
