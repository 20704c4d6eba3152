package io.walkeeper.cli;

import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelsTest {

    @Test
    void pairsJsonAndWalgUserData() {
        assertEquals(Map.of("a", "1", "b", "two words"), Labels.parse(List.of("a=1, b = two words"), false));
        assertEquals(Map.of("env", "prod", "n", "3", "ok", "true"),
                Labels.parse(List.of("{\"env\": \"prod\", \"n\": 3, \"ok\": true}"), false));
        assertEquals(Map.of(Labels.USER_DATA, "nightly"), Labels.parse(List.of("nightly"), true));
        assertEquals(Map.of("k", "later"), Labels.parse(List.of("k=first", "k=later"), false), "the last one wins");
        for (String bad : List.of("nightly", "=v", "{\"a\": {\"nested\": 1}}", "{not json")) {
            assertThrows(InvalidRequestException.class, () -> Labels.parse(List.of(bad), false), bad);
        }
    }

    @Test
    void labelsAreCheckedWhereTheRequestIsBuilt() {
        BackupRequest ok = BackupRequest.auto().withLabel("ticket", "OPS-7").withLabel("env.region", "eu-1");
        assertEquals(2, ok.labels().size());
        for (String key : List.of("", "has space", "-leading", "x".repeat(65), "a/b")) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> BackupRequest.auto().withLabel(key, "v"), key);
            assertTrue(e.getMessage().contains("Label key"), e.getMessage());
        }
        assertThrows(InvalidRequestException.class, () -> BackupRequest.auto().withLabel("k", "line\nbreak"));
        assertThrows(InvalidRequestException.class, () -> BackupRequest.auto().withLabel("k", "\u001b[31mred"));
        assertThrows(InvalidRequestException.class, () -> BackupRequest.auto().withLabel("k", "x".repeat(1025)));
    }

    @Test
    void walgSentinelUserDataIsTheBackupLabelsSetting() {
        HostEnvironment host = new HostEnvironment(Map.of("WALG_SENTINEL_USER_DATA", "{\"env\": \"prod\"}",
                "WALKEEPER_STORAGE", "file:///x"), Path.of("/nonexistent-home"), "alice", Launcher.script(Path.of("/opt/wk/bin/walkeeper")));
        assertEquals(Map.of("env", "prod"), CliConfiguration.load(null, host).backupLabels());
        HostEnvironment own = host.withVariables(Map.of("WALKEEPER_BACKUP_LABELS", "a=1,b=2"));
        assertEquals(Map.of("a", "1", "b", "2"), CliConfiguration.load(null, own).backupLabels());
        HostEnvironment bad = host.withVariables(Map.of("WALKEEPER_BACKUP_LABELS", "{broken"));
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> CliConfiguration.load(null, bad).backupLabels());
        assertTrue(e.getMessage().contains("WALKEEPER_BACKUP_LABELS"), e.getMessage());
        assertEquals(Map.of(), CliConfiguration.load(null, host.withVariables(Map.of())).backupLabels());
    }
}
