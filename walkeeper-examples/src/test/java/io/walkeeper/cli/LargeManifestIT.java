package io.walkeeper.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Listing and retention read each manifest without holding its file list: a repository with
 * two backups of {@value #FILES} files each (manifests of about 100 MB) is listed and retained
 * by a CLI whose heap is capped at 64 MiB. Reading the manifests whole, as listing did before,
 * runs out of memory at a tenth of that.
 */
class LargeManifestIT {
    private static final int FILES = 500_000;

    @TempDir
    Path work;

    @Test
    void backupListAndDeleteRetainOfHugeManifestsFitInASmallHeap() throws Exception {
        Path repo = Files.createDirectories(work.resolve("repo/backups"));
        String older = "base_000000010000000000000002";
        String newer = "base_000000010000000000000004";
        writeManifest(repo.resolve(older + ".json"), older, "000000010000000000000002", Instant.parse("2026-12-01T10:00:00Z"));
        writeManifest(repo.resolve(newer + ".json"), newer, "000000010000000000000004", Instant.parse("2026-12-02T10:00:00Z"));
        assertTrue(Files.size(repo.resolve(newer + ".json")) > 50L << 20, "a manifest of " + Files.size(repo.resolve(newer + ".json")));

        CliHarness cli = new CliHarness(work.resolve("cli")).env("WALKEEPER_STORAGE", "file://" + work.resolve("repo"))
                .env("WALKEEPER_JAVA_OPTS", "-Xmx64m");
        CliHarness.Result list = cli.run("backup-list", "--json");
        assertEquals(0, list.exitCode(), list.toString());
        JsonNode listed = Json.MAPPER.readTree(list.stdout());
        assertEquals(2, listed.size(), list.stdout());
        assertEquals(older, listed.get(0).get("name").asText());
        assertEquals(FILES, listed.get(1).get("fileCount").asLong(), list.stdout());

        CliHarness.Result retain = cli.run("delete", "retain", "1", "--confirm");
        assertEquals(0, retain.exitCode(), retain.toString());
        assertTrue(Files.notExists(repo.resolve(older + ".json")), "the older backup is deleted");
        assertTrue(Files.exists(repo.resolve(newer + ".json")));
    }

    /** Writes a full backup's manifest listing {@link #FILES} files in one part, streamed to disk. */
    private static void writeManifest(Path file, String name, String segment, Instant finished) throws IOException {
        Lsn start = Lsn.parse("0/" + Integer.toHexString(Integer.parseInt(segment.substring(22), 16)) + "000028");
        String part = "part_0001.tar";
        BackupManifest header = BackupManifest.builder().name(name).kind(BackupKind.FULL).timeline(TimelineId.FIRST)
                .startLsn(start).stopLsn(start.plus(0x100)).startWalSegment(segment).stopWalSegment(segment)
                .startTime(finished.minusSeconds(60)).finishTime(finished).pgVersionNum(170000)
                .systemIdentifier("7300000000000000001").walSegmentSize(16L << 20).blockSize(8192).labels(Map.of())
                .backupLabel("START WAL LOCATION: " + start + " (file " + segment + ")\n").tablespaceMap("")
                .tablespaces(List.of()).compression("none").dataSize(8192L * FILES).storedSize(8192L * FILES)
                .parts(List.of(new BackupManifest.Part(part, 8192L * FILES, "0".repeat(64), 8192L * FILES, FILES)))
                .files(List.of()).build();
        ObjectNode tree = Json.MAPPER.valueToTree(header);
        try (OutputStream out = Files.newOutputStream(file);
                JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!field.getKey().equals("files")) {
                    g.writeFieldName(field.getKey());
                    g.writeTree(field.getValue());
                    continue;
                }
                g.writeArrayFieldStart("files");
                Instant mtime = finished.minusSeconds(3600);
                for (int i = 0; i < FILES; i++) {
                    g.writeObject(FileEntry.file("base/16384/" + (100_000 + i)).size(8192).mode(0600).mtime(mtime)
                            .part(part).storage(FileEntry.Storage.WHOLE).entrySize(8192).build());
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
    }
}
