package io.walkeeper.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the CLI in this JVM against a repository in a temporary directory; no PostgreSQL needed. */
class CliExecutionTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        HostEnvironment host = new HostEnvironment(env, dir.resolve("home"), "alice",
                Launcher.script(Path.of("/opt/walkeeper/bin/walkeeper")));
        int code = WalKeeperCli.execute(args, host, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private Map<String, String> repoEnv() throws IOException {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Map<String, String> env = new HashMap<>();
        env.put("WALKEEPER_STORAGE", repo.toUri().toString());
        return env;
    }

    @Test
    void walFetchOfAMissingSegmentExitsFourAndWritesNothing() throws IOException {
        Path dest = dir.resolve("RECOVERYXLOG");
        Run r = run(repoEnv(), "wal-fetch", "000000010000000000000042", dest.toString());
        assertEquals(4, r.code(), r.toString());
        assertTrue(r.err().contains("000000010000000000000042 is not in the archive"), r.err());
        assertFalse(Files.exists(dest));
    }

    @Test
    void walPushOfABadNameIsAnInvalidRequest() throws IOException {
        Path file = Files.writeString(dir.resolve("notawal"), "x");
        Run r = run(repoEnv(), "wal-push", file.toString());
        assertEquals(9, r.code(), r.toString());
        assertTrue(r.err().startsWith("ERROR: 'notawal' is not a WAL file name"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void missingStorageIsAConfigurationError() {
        Run r = run(Map.of(), "backup-list");
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains("ERROR: No storage configured"), r.err());
    }

    @Test
    void malformedConfigFileIsAConfigurationErrorButHelpStillWorks() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"WALKEEPER_STORAGE\": ");
        Run r = run(Map.of(), "--config", bad.toString(), "backup-list");
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains(bad.toString()) && r.err().contains("not valid JSON"), r.err());
        assertEquals(0, run(Map.of(), "--config", bad.toString(), "backup-list", "--help").code());
    }

    @Test
    void emptyRepositoryListsNothing() throws IOException {
        Map<String, String> env = repoEnv();
        Run r = run(env, "backup-list");
        assertEquals(0, r.code(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().contains("No backups in"), r.err());
        Run json = run(env, "backup-list", "--json");
        assertEquals(0, json.code(), json.toString());
        assertEquals("[ ]", json.out().trim());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run(Map.of()).code());
        assertEquals(2, run(Map.of(), "wal-push").code());
        assertEquals(2, run(Map.of(), "no-such-command").code());
        Run r = run(Map.of(), "backup-fetch", "/r", "LATEST", "--recovery-target-time", "2026-11-21 10:15:03");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("no time zone"), r.err());
    }

    @Test
    void backupPushNeedsADataDirectory() throws IOException {
        Run r = run(repoEnv(), "backup-push");
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains("PGDATA"), r.err());
    }

    @Test
    void helpAndVersion() {
        Run help = run(Map.of(), "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("wal-push") && help.out().contains("Exit codes"), help.out());
        for (String command : new String[] {"wal-push", "wal-fetch", "backup-push", "backup-fetch", "backup-list", "demo"}) {
            Run r = run(Map.of(), command, "--help");
            assertEquals(0, r.code(), command);
            assertTrue(r.out().startsWith("Usage: walkeeper " + command), r.out());
            assertEquals("", r.err(), command);
        }
        Run version = run(Map.of(), "--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("walkeeper "), version.out());
    }

    @Test
    void deleteIsADryRunUnlessConfirmedAndDeletesNothingWithoutBackups() throws IOException {
        Run dry = run(repoEnv(), "delete", "retain", "FULL", "2");
        assertEquals(0, dry.code(), dry.toString());
        assertTrue(dry.out().contains("would delete 0 backup(s) and 0 archived WAL object(s); kept 0 backup(s)"), dry.out());
        Run confirmed = run(repoEnv(), "delete", "retain", "3", "--confirm");
        assertEquals(0, confirmed.code(), confirmed.toString());
        assertTrue(confirmed.out().contains("deleted 0 backup(s)"), confirmed.out());
    }

    @Test
    void deleteRefusesWhatItCannotRead() throws IOException {
        Run notANumber = run(repoEnv(), "delete", "retain", "FULL", "five");
        assertEquals(9, notANumber.code(), notANumber.toString());
        assertTrue(notANumber.err().contains("'five'") && notANumber.err().contains("usage: delete retain"), notANumber.err());
        Run zero = run(repoEnv(), "delete", "retain", "FULL", "0");
        assertEquals(9, zero.code(), zero.toString());
        assertTrue(zero.err().contains("at least one"), zero.err());
        Run unknown = run(repoEnv(), "delete", "sometimes");
        assertEquals(9, unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("Unknown delete target 'sometimes'"), unknown.err());
        Run everythingNow = run(repoEnv(), "delete", "everything", "now");
        assertEquals(9, everythingNow.code(), everythingNow.toString());
        assertTrue(everythingNow.err().contains("takes only FORCE"), everythingNow.err());
        Run beforeNothing = run(repoEnv(), "delete", "before");
        assertEquals(9, beforeNothing.code(), beforeNothing.toString());
        assertTrue(beforeNothing.err().contains("needs a backup name or a time"), beforeNothing.err());
        Run age = run(repoEnv(), "delete", "retain", "2", "--newer-than", "soon");
        assertEquals(9, age.code(), age.toString());
        assertTrue(age.err().contains("'soon'") && age.err().contains("7d"), age.err());
        Run afterWithBefore = run(repoEnv(), "delete", "before", "base_000000010000000000000002", "--after", "x");
        assertEquals(9, afterWithBefore.code(), afterWithBefore.toString());
        Run modifier = run(repoEnv(), "delete", "retain", "HALF", "2");
        assertEquals(9, modifier.code(), modifier.toString());
        assertTrue(modifier.err().contains("Unknown retention modifier 'HALF'"), modifier.err());
    }

    @Test
    void backupVerifyWithoutBackupsIsNotFound() throws IOException {
        Run r = run(repoEnv(), "backup-verify");
        assertEquals(4, r.code(), r.toString());
        assertTrue(r.err().contains("No completed backup"), r.err());
    }

    /** Every command the tool has, as the usage lists them. */
    private static final java.util.Set<String> EVERY_COMMAND = java.util.Set.of("wal-push", "wal-daemon", "wal-fetch",
            "wal-prefetch", "backup-push", "backup-fetch", "backup-list", "backup-verify", "backup-mark", "backup-drill",
            "wal-show", "wal-verify", "delete", "demo", "settings", "help");

    private java.util.Set<String> registered(String... args) {
        WalKeeperCli root = new WalKeeperCli(new HostEnvironment(Map.of(), dir.resolve("home"), "alice",
                Launcher.script(Path.of("/opt/walkeeper/bin/walkeeper"))));
        return WalKeeperCli.commandLine(root, args).getSubcommands().keySet();
    }

    @Test
    void onlyTheCommandNamedIsBuiltAndEveryOneWhenNoneIsNamed() {
        assertEquals(java.util.Set.of("wal-push"), registered("wal-push", "pg_wal/000000010000000000000001"));
        assertEquals(java.util.Set.of("wal-fetch"), registered("--config", "/etc/wk.json", "wal-fetch", "a", "b"));
        assertEquals(java.util.Set.of("backup-list"), registered("--config=/etc/wk.json", "backup-list", "--json"));
        assertEquals(EVERY_COMMAND, registered());
        assertEquals(EVERY_COMMAND, registered("help", "wal-push"));
        assertEquals(EVERY_COMMAND, registered("--help"));
        assertEquals(EVERY_COMMAND, registered("--config", "/etc/wk.json"));
        assertEquals(EVERY_COMMAND, registered("backup-lst"), "a misspelt command still gets suggestions");
    }

    @Test
    void helpUsageAndSuggestionsStillListEveryCommand() {
        Run help = run(Map.of(), "help");
        assertEquals(0, help.code(), help.toString());
        for (String command : EVERY_COMMAND) {
            if (!command.equals("wal-prefetch")) {
                assertTrue(help.out().contains(command), command + " in " + help.out());
            }
        }
        assertTrue(help.out().contains("Settings (file keys and environment variables"), help.out());
        Run misspelt = run(Map.of(), "backup-lst");
        assertEquals(2, misspelt.code(), misspelt.toString());
        assertTrue(misspelt.err().contains("backup-list"), misspelt.err());
        Run none = run(Map.of());
        assertEquals(2, none.code(), none.toString());
        assertTrue(none.err().contains("Missing command: choose one of wal-push, wal-daemon"), none.err());
        Run commandHelp = run(Map.of(), "wal-push", "--help");
        assertEquals(0, commandHelp.code(), commandHelp.toString());
        assertTrue(commandHelp.out().startsWith("Usage: walkeeper wal-push"), commandHelp.out());
    }

    @Test
    void runningOutOfHeapNamesTheHeapAndWhatToSetAndExitsOne() {
        StringWriter err = new StringWriter();
        int code = WalKeeperCli.reportOutOfMemory(new PrintWriter(err), new OutOfMemoryError("Java heap space"));
        assertEquals(1, code);
        String message = err.toString();
        assertTrue(message.startsWith("ERROR: walkeeper ran out of Java heap (Java heap space; at most "), message);
        assertTrue(message.contains(Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB"), message);
        assertTrue(message.contains("WALKEEPER_JAVA_OPTS=-Xmx"), message);
    }
}
