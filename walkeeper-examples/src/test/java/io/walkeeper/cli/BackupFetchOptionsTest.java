package io.walkeeper.cli;

import io.walkeeper.api.Lsn;
import io.walkeeper.api.RecoveryTarget;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parses backup-fetch command lines without running them. */
class BackupFetchOptionsTest {

    private static BackupFetchCommand parse(String... args) {
        WalKeeperCli root = new WalKeeperCli(new HostEnvironment(Map.of(), null, "alice",
                Launcher.script(Path.of("/opt/wk/bin/walkeeper"))));
        String[] all = new String[args.length + 1];
        all[0] = "backup-fetch";
        System.arraycopy(args, 0, all, 1, args.length);
        CommandLine cl = WalKeeperCli.commandLine(root, all);
        CommandLine.ParseResult pr = cl.parseArgs(all);
        return (BackupFetchCommand) pr.subcommand().commandSpec().userObject();
    }

    private static RecoveryTarget target(String... args) {
        BackupFetchCommand c = parse(args);
        return c.recovery.toTarget();
    }

    @Test
    void timeTargetInPostgresTextAndIso() {
        RecoveryTarget t = target("/restore", "LATEST", "--recovery-target-time", "2026-11-21 10:15:03.123456+00",
                "--recovery-target-action", "promote", "--recovery-target-inclusive", "false");
        assertEquals(Instant.parse("2026-11-21T10:15:03.123456Z"), t.time());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("recovery_target_time", "2026-11-21 10:15:03.123456+00");
        expected.put("recovery_target_inclusive", "off");
        expected.put("recovery_target_action", "promote");
        assertEquals(expected, t.settings());
        assertEquals(Instant.parse("2026-11-21T08:15:03Z"),
                target("/r", "LATEST", "--recovery-target-time=2026-11-21T10:15:03+02:00").time());
    }

    @Test
    void timeWithoutZoneIsAUsageErrorWithAHint() {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> parse("/r", "LATEST", "--recovery-target-time", "2026-11-21 10:15:03"));
        assertTrue(e.getMessage().contains("no time zone") && e.getMessage().contains("+00"), e.getMessage());
    }

    @Test
    void otherTargets() {
        assertEquals(Lsn.parse("0/3000060"), target("/r", "LATEST", "--recovery-target-lsn", "0/3000060").lsn());
        assertEquals(Map.of("recovery_target_xid", "7412"), target("/r", "LATEST", "--recovery-target-xid", "7412").settings());
        assertEquals(Map.of("recovery_target_name", "before-upgrade"),
                target("/r", "LATEST", "--recovery-target-name", "before-upgrade").settings());
        assertEquals(Map.of("recovery_target", "immediate", "recovery_target_action", "shutdown"),
                target("/r", "base_000000010000000000000004", "--recovery-target-immediate", "--recovery-target-action=SHUTDOWN")
                        .settings());
        assertEquals(Map.of("recovery_target_timeline", "current"),
                target("/r", "LATEST", "--recovery-target-timeline", "current").settings());
        assertEquals(RecoveryTarget.Type.LATEST, target("/r", "LATEST").type());
    }

    @Test
    void targetsAreMutuallyExclusive() {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class, () -> parse("/r", "LATEST",
                "--recovery-target-time", "2026-11-21T10:15:03Z", "--recovery-target-lsn", "0/3000060"));
        assertTrue(e.getMessage().contains("mutually exclusive"), e.getMessage());
    }

    @Test
    void malformedValuesAreUsageErrors() {
        assertThrows(CommandLine.ParameterException.class, () -> parse("/r", "LATEST", "--recovery-target-lsn", "3000060"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("/r", "LATEST", "--recovery-target-xid", "abc"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("/r", "LATEST", "--recovery-target-action", "stop"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("/r", "LATEST", "--recovery-target-timeline", "newest"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("/r", "LATEST", "--recovery-target-inclusive", "maybe"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("/r"));
    }

    @Test
    void optionsThatPostgresWouldIgnoreAreLeftOut() {
        assertEquals(Map.of(), target("/r", "LATEST", "--recovery-target-action", "promote").settings());
        assertEquals(Map.of("recovery_target_name", "p"),
                target("/r", "LATEST", "--recovery-target-name", "p", "--recovery-target-inclusive", "true").settings());
    }

    @Test
    void otherOptions() {
        BackupFetchCommand c = parse("--config", "/etc/wk.json", "/r", "LATEST", "--standby", "--restore-command", "cp /a/%f %p",
                "--tablespace-mapping", "16385=/mnt/ts1", "--tablespace-mapping=16390=/mnt/ts2");
        assertTrue(c.standby);
        assertEquals("cp /a/%f %p", c.restoreCommand);
        assertEquals(Map.of("16385", Path.of("/mnt/ts1"), "16390", Path.of("/mnt/ts2")), c.tablespaceMapping);
        assertEquals(Path.of("/etc/wk.json"), c.root.configFile);
    }

    @Test
    void configMayFollowTheCommand() {
        BackupFetchCommand c = parse("/r", "LATEST", "--config", "/etc/wk.json");
        assertEquals(Path.of("/etc/wk.json"), c.root.configFile);
    }
}
