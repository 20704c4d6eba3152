package io.walkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackupListCommandTest {
    private static final BackupInfo BACKUP = new BackupInfo("base_000000010000000000000004", BackupKind.FULL, null,
            TimelineId.FIRST, Lsn.parse("0/4000028"), Lsn.parse("0/4000138"), "000000010000000000000004",
            "000000010000000000000004", Instant.parse("2026-11-22T04:50:00Z"), Instant.parse("2026-11-22T04:50:02.5Z"),
            150010, -1L, true, 16 << 20, true, Map.of("env", "prod"), 23_456_789L, 3_456_789L, 1234, 2);

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
    void jsonHasEveryField() throws Exception {
        JsonNode n = new ObjectMapper().readTree(BackupListCommand.toJson(List.of(BACKUP))).get(0);
        assertEquals(20, n.size(), n.toString());
        assertEquals("0/4000028", n.get("startLsn").asText());
        assertEquals(1, n.get("timeline").asInt());
        assertEquals("18446744073709551615", n.get("systemIdentifier").asText());
        assertEquals("2026-11-22T04:50:02.500Z", n.get("finishTime").asText().replace("02.5Z", "02.500Z"));
        assertEquals("prod", n.get("labels").get("env").asText());
        assertTrue(n.get("parentName").isNull());
    }
}
