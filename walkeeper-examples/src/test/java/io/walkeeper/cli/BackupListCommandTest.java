package io.walkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupStatistics;
import io.walkeeper.api.CorruptPage;
import io.walkeeper.api.DrillReport;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackupListCommandTest {
    private static final BackupInfo BACKUP = new BackupInfo("base_000000010000000000000004", BackupKind.FULL, null,
            TimelineId.FIRST, Lsn.parse("0/4000028"), Lsn.parse("0/4000138"), "000000010000000000000004",
            "000000010000000000000004", Instant.parse("2026-11-22T04:50:00Z"), Instant.parse("2026-11-22T04:50:02.5Z"),
            150010, -1L, true, 16 << 20, true, Map.of("env", "prod"), 23_456_789L, 3_456_789L, 1234, 2, null, null);

    private static final BackupStatistics DELTA_STATISTICS = new BackupStatistics(23_500_000L, 345_678L, 2_861L, 97L,
            41L, 12L, 1_181L, 1_100L, 21_000_000L);

    private static final BackupInfo DELTA = new BackupInfo("base_000000010000000000000009_D_000000010000000000000004",
            BackupKind.DELTA, "base_000000010000000000000004", TimelineId.FIRST, Lsn.parse("0/9000028"),
            Lsn.parse("0/9000100"), "000000010000000000000009", "000000010000000000000009",
            Instant.parse("2026-11-22T05:50:00Z"), Instant.parse("2026-11-22T05:50:01Z"), 150010, -1L, true, 16 << 20,
            false, Map.of("env", "prod"), 23_500_000L, 345_678L, 1234, 1, DELTA_STATISTICS,
            List.of(new CorruptPage("base/5/16384", 7, 0x1234, 0x4321), new CorruptPage("base/5/16390.1", 130_000, 11, 12)));

    @Test
    void tableHasOneRowPerBackup() {
        String table = BackupListCommand.table(List.of(BACKUP), false);
        List<String> lines = table.lines().toList();
        assertEquals(2, lines.size(), table);
        assertTrue(lines.get(0).startsWith("NAME"), table);
        assertTrue(lines.get(1).matches("base_000000010000000000000004\\s+2026-11-22 04:50:02\\s+0/4000028\\s+0/4000138\\s+1\\s+"
                + "full\\s+22\\.4 MiB\\s+3\\.3 MiB"), lines.get(1));
    }

    @Test
    void detailAddsColumns() {
        String row = BackupListCommand.table(List.of(BACKUP), true).lines().toList().get(1);
        assertTrue(row.contains("15.10") && row.contains("18446744073709551615") && row.contains("yes")
                && row.contains("1234") && row.endsWith("env=prod"), row);
    }

    @Test
    void deltaRowShowsKindAndSizesAndWithDetailItsParentAndPages() {
        List<String> plain = BackupListCommand.table(List.of(BACKUP, DELTA), false).lines().toList();
        assertEquals(3, plain.size(), String.join("\n", plain));
        assertTrue(plain.get(2).matches("base_000000010000000000000009_D_000000010000000000000004\\s+2026-11-22 05:50:01\\s+"
                + "0/9000028\\s+0/9000100\\s+1\\s+delta\\s+22\\.4 MiB\\s+338 KiB"), plain.get(2));

        List<String> detail = BackupListCommand.table(List.of(BACKUP, DELTA), true).lines().toList();
        List<String> header = List.of(detail.get(0).split("\\s{2,}"));
        List<String> full = List.of(detail.get(1).split("\\s{2,}"));
        List<String> delta = List.of(detail.get(2).split("\\s{2,}"));
        assertEquals(header.size(), delta.size(), detail.get(0) + "\n" + detail.get(2));
        assertEquals("base_000000010000000000000004", delta.get(header.indexOf("PARENT")));
        assertEquals("-", full.get(header.indexOf("PARENT")));
        assertEquals("97/2861", delta.get(header.indexOf("DELTA PAGES")));
        assertEquals("-", full.get(header.indexOf("DELTA PAGES")));
        assertEquals("2", delta.get(header.indexOf("CORRUPT PAGES")));
        assertEquals("0", full.get(header.indexOf("CORRUPT PAGES")));
        assertEquals("338 KiB", delta.get(header.indexOf("STORED SIZE")));
        assertEquals("no", delta.get(header.indexOf("PERMANENT")));
        assertEquals("LABELS", header.get(header.size() - 1), "labels stay the last column");
    }

    @Test
    void detailShowsEachBackupsLastDrill() {
        DrillReport passed = new DrillReport(BACKUP.name(), "latest", Instant.parse("2026-12-06T20:04:01Z"), null,
                "15.10", Duration.ofSeconds(2), Duration.ofSeconds(8), Duration.ofMillis(20_260), Duration.ofSeconds(21),
                null, null, null, 6, List.of());
        List<String> detail = BackupListCommand.table(List.of(BACKUP, DELTA), true, Map.of(BACKUP.name(), passed))
                .lines().toList();
        List<String> header = List.of(detail.get(0).split("\\s{2,}"));
        assertEquals("PASSED 2026-12-06 20:04 RTO 20.3 s",
                List.of(detail.get(1).split("\\s{2,}")).get(header.indexOf("LAST DRILL")));
        assertEquals("-", List.of(detail.get(2).split("\\s{2,}")).get(header.indexOf("LAST DRILL")));
        DrillReport failed = new DrillReport(BACKUP.name(), "latest", Instant.parse("2026-12-06T20:05:59Z"),
                "WAL segment 000000010000000000000009 is missing", null, Duration.ofSeconds(2), null, null,
                Duration.ofSeconds(5), null, null, null, 0, List.of());
        assertEquals("FAILED 2026-12-06 20:05", BackupListCommand.lastDrill(failed));
    }

    @Test
    void jsonCarriesEachBackupsLastDrillReport() throws Exception {
        DrillReport passed = new DrillReport(BACKUP.name(), "latest", Instant.parse("2026-12-06T20:04:01Z"), null,
                "15.10", Duration.ofSeconds(2), Duration.ofSeconds(8), Duration.ofMillis(20_260), Duration.ofSeconds(21),
                null, null, null, 6, List.of());
        JsonNode rows = new ObjectMapper().readTree(BackupListCommand.toJson(List.of(BACKUP, DELTA),
                Map.of(BACKUP.name(), passed)));
        JsonNode drill = rows.get(0).get("lastDrill");
        assertEquals("PASSED", drill.get("status").asText(), drill.toString());
        assertEquals(20_260, drill.get("timeToPromotionMillis").asLong());
        assertEquals("2026-12-06T20:04:01Z", drill.get("startedAt").asText());
        assertEquals(6, drill.get("walSegmentsRestored").asInt());
        assertTrue(rows.get(1).get("lastDrill").isNull());
    }

    @Test
    void corruptPagesAreNamedOnlyForBackupsThatHaveThem() {
        assertEquals(List.of(), BackupListCommand.corruptPageNotes(List.of(BACKUP), true));
        assertEquals(List.of("WARNING: backup base_000000010000000000000009_D_000000010000000000000004 read 2 data pages with a "
                + "wrong checksum (--detail lists them)"), BackupListCommand.corruptPageNotes(List.of(BACKUP, DELTA), false));
        assertEquals(List.of("WARNING: backup base_000000010000000000000009_D_000000010000000000000004 read 2 data pages with a "
                        + "wrong checksum:",
                "  base/5/16384 block 7 (checksum 17185, expected 4660)",
                "  base/5/16390.1 block 130000 (checksum 12, expected 11)"),
                BackupListCommand.corruptPageNotes(List.of(BACKUP, DELTA), true));
    }

    @Test
    void jsonHasEveryField() throws Exception {
        JsonNode n = new ObjectMapper().readTree(BackupListCommand.toJson(List.of(BACKUP))).get(0);
        assertEquals(23, n.size(), n.toString());
        assertEquals("0/4000028", n.get("startLsn").asText());
        assertEquals(1, n.get("timeline").asInt());
        assertEquals("18446744073709551615", n.get("systemIdentifier").asText());
        assertEquals("2026-11-22T04:50:02.500Z", n.get("finishTime").asText().replace("02.5Z", "02.500Z"));
        assertEquals("prod", n.get("labels").get("env").asText());
        assertTrue(n.get("parentName").isNull());
        assertEquals("FULL", n.get("kind").asText());
        assertEquals(9, n.get("statistics").size(), n.get("statistics").toString());
        assertEquals(0, n.get("statistics").get("pagesStored").asLong());
        assertTrue(n.get("corruptPages").isArray() && n.get("corruptPages").isEmpty(), n.toString());
    }

    @Test
    void everyJsonFieldIsInTheReadmesSchemaTable() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("").toAbsolutePath().getParent()
                .resolve("README.md"));
        int start = readme.indexOf("`backup-list --json` prints an array");
        assertTrue(start >= 0, "README documents backup-list --json");
        String table = readme.substring(start, readme.indexOf("\n\n", readme.indexOf("| field |", start)));
        JsonNode n = new ObjectMapper().readTree(BackupListCommand.toJson(List.of(BACKUP, DELTA))).get(1);
        List<String> missing = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(f -> {
            if (!table.contains("`" + f + "`")) {
                missing.add(f);
            }
        });
        n.get("statistics").fieldNames().forEachRemaining(f -> {
            if (!table.contains("`" + f + "`")) {
                missing.add("statistics." + f);
            }
        });
        n.get("corruptPages").get(0).fieldNames().forEachRemaining(f -> {
            if (!table.contains("`" + f + "`")) {
                missing.add("corruptPages." + f);
            }
        });
        assertEquals(List.of(), missing, "fields of backup-list --json the README's table does not name");
    }

    @Test
    void jsonOfADeltaHasItsParentStatisticsAndCorruptPages() throws Exception {
        JsonNode n = new ObjectMapper().readTree(BackupListCommand.toJson(List.of(BACKUP, DELTA))).get(1);
        assertEquals(23, n.size(), n.toString());
        assertTrue(n.get("lastDrill").isNull(), "never drilled: " + n.get("lastDrill"));
        assertEquals("DELTA", n.get("kind").asText());
        assertEquals("base_000000010000000000000004", n.get("parentName").asText());
        assertEquals(23_500_000L, n.get("dataSize").asLong());
        assertEquals(345_678L, n.get("storedSize").asLong());
        JsonNode s = n.get("statistics");
        assertEquals(23_500_000L, s.get("bytesRead").asLong());
        assertEquals(345_678L, s.get("bytesStored").asLong());
        assertEquals(2_861L, s.get("pagesScanned").asLong());
        assertEquals(97L, s.get("pagesStored").asLong());
        assertEquals(41L, s.get("filesStoredWhole").asLong());
        assertEquals(12L, s.get("filesStoredAsDelta").asLong());
        assertEquals(1_181L, s.get("filesSkippedUnchanged").asLong());
        assertEquals(1_100L, s.get("filesSkippedUnread").asLong());
        assertEquals(21_000_000L, s.get("bytesSkippedUnread").asLong());
        JsonNode pages = n.get("corruptPages");
        assertEquals(2, pages.size(), pages.toString());
        assertEquals("base/5/16384", pages.get(0).get("path").asText());
        assertEquals(7, pages.get(0).get("block").asLong());
        assertEquals(0x1234, pages.get(0).get("expected").asInt());
        assertEquals(0x4321, pages.get(0).get("found").asInt());
        assertEquals(130_000, pages.get(1).get("block").asLong());
    }

    @Test
    void pushReportsKindParentStatisticsAndCorruptPages() {
        assertEquals("Backup base_000000010000000000000009_D_000000010000000000000004 is a delta of "
                + "base_000000010000000000000004: read 22.4 MiB, stored 338 KiB; pages scanned 2861, stored 97; "
                + "files stored whole 41, as delta 12, unchanged 1181 (1100 of them, 20.0 MiB, not read)",
                BackupPushCommand.summary(DELTA));
        assertTrue(BackupPushCommand.summary(BACKUP).startsWith("Backup base_000000010000000000000004 is full: "),
                BackupPushCommand.summary(BACKUP));
        assertEquals(List.of(), BackupPushCommand.corruptPageWarning(BACKUP));
        List<String> warning = BackupPushCommand.corruptPageWarning(DELTA);
        assertEquals(4, warning.size(), String.join("\n", warning));
        assertTrue(warning.get(0).startsWith("WARNING: backup base_000000010000000000000009_D_000000010000000000000004 "
                + "completed, but 2 data pages have a wrong checksum"), warning.get(0));
        assertEquals("  base/5/16384 block 7 (checksum 17185, expected 4660)", warning.get(1));
        assertEquals("  base/5/16390.1 block 130000 (checksum 12, expected 11)", warning.get(2));
        assertTrue(warning.get(3).contains("pg_amcheck") && warning.get(3).contains("--fail-on-corrupt-page"), warning.get(3));
    }
}
