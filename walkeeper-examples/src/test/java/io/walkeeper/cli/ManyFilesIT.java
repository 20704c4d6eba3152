package io.walkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.walkeeper.core.repo.Json;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster with a great many files, backed up, listed, retained and restored by a CLI whose heap
 * is capped at {@value #HEAP}: the files are small and numerous, as in a cluster with a table per
 * customer, so what the heap holds per file is all that counts. CI runs it with
 * {@value #DEFAULT_FILES} files; {@code -Dwalkeeper.manyFiles=1000000} runs it at a million.
 * A backup keeps its own file list and a delta its parent's on disk, and a verification or a
 * restore each list of the chain, so their heap does not grow with them: the delta's chain is
 * verified and restored at {@value #SMALL}, less than the file lists of {@value #DEFAULT_FILES}
 * files took on the heap when restores held them there.
 */
class ManyFilesIT {
    private static final String HEAP = "-Xmx256m";
    private static final int DEFAULT_FILES = 100_000;
    /** Less than a restore of {@value #DEFAULT_FILES} files held when it kept its file lists on the heap. */
    private static final String SMALL = "-Xmx64m";
    private static final int PER_DIRECTORY = 1000;
    /** "24M->11M(256M)" in a unified GC log line: heap before, after, and committed. */
    private static final Pattern AFTER_GC = Pattern.compile("\\d+M->(\\d+)M\\(\\d+M\\)");

    /** Each command run with a heap cap, and the cap. */
    private final Map<String, String> steps = new LinkedHashMap<>();
    private Path gcLogs;

    @Test
    void backupListRetainAndRestoreOfManyFilesFitTheHeapCap() throws Exception {
        int count = Integer.getInteger("walkeeper.manyFiles", DEFAULT_FILES);
        try (CliWorkspace ws = new CliWorkspace("walkeeper-many-files-it")) {
            gcLogs = Files.createDirectories(ws.work().resolve("gc"));
            try {
                backUpListRetainAndRestore(ws, count);
            } finally {
                printHeldHeap();
            }
        }
    }

    private void backUpListRetainAndRestore(CliWorkspace ws, int count) throws Exception {
        CliHarness cli = ws.cli();
        PostgresCluster source = ws.startSource("source");
        ws.pointAt(source);
        Path synthetic = source.dataDir().resolve("synthetic");
        writeFiles(synthetic, count);

        String older = push(cli, ws, ws.config(), source, "backup-push-1");
        source.execute("CREATE TABLE after_first(id int)");
        String middle = push(cli, ws, ws.config(), source, "backup-push-2");
        source.execute("CREATE TABLE after_second(id int)");
        // a delta looks every file up in its parent's list, which it keeps on disk
        Path deltas = ws.configWith("walkeeper-deltas.json", Map.of("WALKEEPER_DELTA_MAX_STEPS", "1"));
        String newer = push(cli, ws, deltas, source, "backup-push-delta");

        CliHarness.Result list = logged(cli, "backup-list").run("--config", ws.config().toString(), "backup-list", "--json");
        assertEquals(0, list.exitCode(), list.toString());
        JsonNode listed = Json.MAPPER.readTree(list.stdout());
        assertEquals(3, listed.size(), list.stdout());
        assertEquals(newer, listed.get(2).get("name").asText(), list.stdout());
        assertEquals("DELTA", listed.get(2).get("kind").asText(), list.stdout());
        assertEquals(middle, listed.get(2).get("parentName").asText(), list.stdout());
        assertTrue(listed.get(2).get("fileCount").asLong() > count, list.stdout());

        CliHarness.Result retain = logged(cli, "delete-retain").run("--config", ws.config().toString(), "delete", "retain", "1",
                "--confirm");
        assertEquals(0, retain.exitCode(), retain.toString());
        assertTrue(Files.notExists(ws.repo().resolve("backups/" + older + ".json")), "the oldest backup is deleted");
        assertTrue(Files.exists(ws.repo().resolve("backups/" + middle + ".json")), "the kept delta's parent is kept");

        source.stopImmediate();
        Path restored = ws.work().resolve("restored");
        CliHarness.Result verify = logged(cli, "backup-verify", SMALL).run("--config", ws.config().toString(),
                "backup-verify", newer);
        assertEquals(0, verify.exitCode(), verify.toString());
        CliHarness.Result fetch = logged(cli, "backup-fetch", SMALL).run("--config", ws.config().toString(),
                "backup-fetch", restored.toString(), newer);
        assertEquals(0, fetch.exitCode(), fetch.toString());
        assertSameFiles(synthetic, restored.resolve("synthetic"), count);
    }

    /** Caps the heap of the next command and logs its collections, to print how much heap it kept. */
    private CliHarness logged(CliHarness cli, String step) {
        return logged(cli, step, HEAP);
    }

    private CliHarness logged(CliHarness cli, String step, String heap) {
        steps.put(step, heap);
        return cli.env("WALKEEPER_JAVA_OPTS", heap + " -Xlog:gc:file=" + gcLogs.resolve(step + ".log"));
    }

    /** Prints, per command, the most heap a collection left in use: what the command held at its peak. */
    private void printHeldHeap() throws IOException {
        for (var run : steps.entrySet()) {
            String step = run.getKey();
            Path log = gcLogs.resolve(step + ".log");
            long peak = 0;
            if (Files.exists(log)) {
                Matcher m = AFTER_GC.matcher(Files.readString(log));
                while (m.find()) {
                    peak = Math.max(peak, Long.parseLong(m.group(1)));
                }
            }
            System.out.printf("%s: %d MiB in use after its fullest collection (heap cap %s)%n", step, peak, run.getValue());
        }
    }

    private String push(CliHarness cli, CliWorkspace ws, Path config, PostgresCluster source, String step)
            throws Exception {
        CliHarness.Result push = logged(cli, step).run("--config", config.toString(), "backup-push", source.dataDir().toString());
        assertEquals(0, push.exitCode(), push.toString());
        String[] lines = push.stdout().strip().split("\n");
        String name = lines[lines.length - 1].strip();
        assertTrue(name.matches("base_[0-9A-F]{24}(_D_[0-9A-F]{24})?"), push.toString());
        return name;
    }

    /** Writes {@code count} files of a few bytes each, each naming itself, {@value #PER_DIRECTORY} to a directory. */
    private static void writeFiles(Path root, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            Path dir = root.resolve(String.format("d%05d", i / PER_DIRECTORY));
            if (i % PER_DIRECTORY == 0) {
                Files.createDirectories(dir);
            }
            Files.write(dir.resolve(fileName(i)), content(i));
        }
    }

    private static String fileName(int i) {
        return String.format("f%07d", i);
    }

    private static byte[] content(int i) {
        return ("file " + i + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Every file is restored with its content, and nothing else is under the restored directory. */
    private static void assertSameFiles(Path source, Path restored, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            Path dir = String.format("d%05d", i / PER_DIRECTORY).transform(restored::resolve);
            assertArrayEquals(content(i), Files.readAllBytes(dir.resolve(fileName(i))), "content of " + dir.resolve(fileName(i)));
        }
        try (Stream<Path> all = Files.walk(restored)) {
            assertEquals(count, all.filter(Files::isRegularFile).count(), "files under " + restored);
        }
        try (Stream<Path> all = Files.walk(source)) {
            assertEquals(count, all.filter(Files::isRegularFile).count(), "files under " + source);
        }
    }
}
