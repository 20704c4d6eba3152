package io.walkeeper.core.repo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walkeeper.api.IntegrityException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manifest of a backup that stores a large file in chunks ({@code chunked-manifest.json}):
 * format version 2, a {@code chunks} list on the file's entry and nowhere else, read into typed
 * values and written back unchanged; a manifest without chunks keeps version 1, so releases that
 * know only version 1 still read it; and chunks that do not cover their file exactly, or name
 * parts the manifest does not list, are refused as damage.
 */
class ChunkedManifestTest {
    private static final String NAME = "chunked-manifest.json";
    private static final String PATH = "base/5/16390";

    private static FileEntry entry(BackupManifest m, String path) {
        return m.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
    }

    @Test
    void aChunkedManifestWritesBackAsItWasRead() throws IOException {
        byte[] stored = ManifestGoldenTest.golden(NAME);
        BackupManifest m = ManifestGoldenTest.read(NAME);
        assertEquals(new String(stored, StandardCharsets.UTF_8),
                new String(Json.MAPPER.writeValueAsBytes(m), StandardCharsets.UTF_8), "the same text, field order included");
    }

    @Test
    void aChunkedManifestReadsIntoTypedValues() throws IOException {
        BackupManifest m = ManifestGoldenTest.read(NAME);
        assertEquals(RepositoryLayout.CHUNKED_FORMAT_VERSION, m.formatVersion());
        FileEntry f = entry(m, PATH);
        assertEquals(List.of(new FileEntry.Chunk("part_0002.tar.lz4", 0, 1 << 20),
                new FileEntry.Chunk("part_0003.tar.lz4", 1 << 20, 8192)), f.chunks());
        assertEquals("part_0002.tar.lz4", f.part());
        assertEquals(8192, f.chunkIn("part_0003.tar.lz4").orElseThrow().length());
        assertTrue(f.chunkIn("part_0001.tar.lz4").isEmpty());
        assertNull(entry(m, "base/5/16384").chunks());
        assertTrue(entry(m, "base/5/16384").chunkIn("part_0001.tar.lz4").isEmpty());
    }

    @Test
    void theBuilderWritesVersion2OnlyWhenAFileIsInChunks() throws IOException {
        BackupManifest chunked = ManifestGoldenTest.read(NAME);
        BackupManifest rebuilt = rebuild(chunked, chunked.files());
        assertEquals(RepositoryLayout.CHUNKED_FORMAT_VERSION, rebuilt.formatVersion());
        BackupManifest plain = rebuild(chunked, chunked.files().stream().filter(f -> f.chunks() == null).toList());
        assertEquals(RepositoryLayout.FORMAT_VERSION, plain.formatVersion());
        assertEquals(RepositoryLayout.FORMAT_VERSION, ManifestGoldenTest.read("full-manifest.json").formatVersion());
    }

    private static BackupManifest rebuild(BackupManifest m, List<FileEntry> files) {
        return BackupManifest.builder().name(m.name()).kind(m.kind()).timeline(m.timeline()).startLsn(m.startLsn())
                .stopLsn(m.stopLsn()).startWalSegment(m.startWalSegment()).stopWalSegment(m.stopWalSegment())
                .startTime(m.startTime()).finishTime(m.finishTime()).systemIdentifier(m.systemIdentifier())
                .backupLabel(m.backupLabel()).parts(m.parts()).files(files).build();
    }

    private static IntegrityException refused(Consumer<ObjectNode> damage) throws IOException {
        ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(ManifestGoldenTest.golden(NAME));
        damage.accept(tree);
        BackupManifest m = Json.MAPPER.treeToValue(tree, BackupManifest.class);
        return assertThrows(IntegrityException.class, () -> m.validate("backups/" + NAME));
    }

    private static ObjectNode file(ObjectNode tree) {
        for (var f : tree.get("files")) {
            if (PATH.equals(f.get("path").asText())) {
                return (ObjectNode) f;
            }
        }
        throw new AssertionError("no " + PATH);
    }

    private static ObjectNode chunk(ObjectNode tree, int i) {
        return (ObjectNode) file(tree).get("chunks").get(i);
    }

    @Test
    void chunksThatDoNotCoverTheirFileExactlyAreRefused() throws IOException {
        assertTrue(refused(t -> t.put("formatVersion", 1)).getMessage().contains("format version 1 cannot hold"));
        assertTrue(refused(t -> t.put("formatVersion", 3)).getMessage().contains("format version 3"));
        assertTrue(refused(t -> chunk(t, 1).put("offset", 1 << 19)).getMessage().contains("'" + PATH + "' with a chunk at"));
        assertTrue(refused(t -> chunk(t, 1).put("length", 4096)).getMessage().contains("do not cover"));
        assertTrue(refused(t -> chunk(t, 1).put("length", 16384)).getMessage().contains("'" + PATH + "' with a chunk at"));
        assertTrue(refused(t -> chunk(t, 0).put("length", 0)).getMessage().contains("'" + PATH + "' with a chunk at"));
        assertTrue(refused(t -> chunk(t, 1).put("part", "part_0009.tar.lz4")).getMessage().contains("does not list"));
        assertTrue(refused(t -> chunk(t, 1).put("part", "part_0002.tar.lz4")).getMessage().contains("twice in one part"));
        assertTrue(refused(t -> file(t).put("part", "part_0003.tar.lz4")).getMessage().contains("do not cover"));
        assertTrue(refused(t -> file(t).put("storage", "delta")).getMessage().contains("only a file stored whole"));
        assertTrue(refused(t -> file(t).set("chunks", new ArrayNode(Json.MAPPER.getNodeFactory())))
                .getMessage().contains("only a file stored whole"));
        assertTrue(refused(t -> ((ArrayNode) file(t).get("chunks")).addNull()).getMessage().contains(PATH));
    }
}
