package io.walkeeper.core.repo;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walkeeper.api.IntegrityException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.Iterator;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A manifest read without its file list says what the whole manifest says, and checks each entry it streams past. */
class ManifestSummaryTest {

    @ParameterizedTest
    @ValueSource(strings = {"full-manifest.json", "delta-manifest.json", "chunked-manifest.json"})
    void aSummaryDescribesTheBackupAsTheWholeManifestDoes(String name) throws IOException {
        BackupManifest whole = ManifestGoldenTest.read(name);
        ManifestSummary summary = ManifestSummary.read(new ByteArrayInputStream(ManifestGoldenTest.golden(name)), "backups/" + name);
        assertEquals(whole.toInfo(), summary.toInfo());
        assertEquals(whole.files().stream().filter(f -> !f.isDirectory()).count(), summary.fileCount());
        assertTrue(summary.header().files().isEmpty(), "no file list is held");
        assertEquals(whole.parts(), summary.header().parts());
    }

    @Test
    void anEntryNamingAPartTheManifestDoesNotListIsRefused() throws IOException {
        ObjectNode m = (ObjectNode) Json.MAPPER.readTree(ManifestGoldenTest.golden("full-manifest.json"));
        for (JsonNode f : m.get("files")) {
            if (f.has("part")) {
                ((ObjectNode) f).put("part", "part_9999.tar.lz4");
                break;
            }
        }
        IntegrityException e = assertThrows(IntegrityException.class, () -> ManifestSummary.read(
                new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(m)), "backups/x.json"));
        assertTrue(e.getMessage().contains("part_9999.tar.lz4") && e.getMessage().contains("backups/x.json"), e.getMessage());
    }

    @Test
    void anEmptyFileListCountsNothingAndANullEntryIsRefused() throws IOException {
        ObjectNode m = (ObjectNode) Json.MAPPER.readTree(ManifestGoldenTest.golden("full-manifest.json"));
        m.putArray("files");
        assertEquals(0, ManifestSummary.read(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(m)), "backups/x.json")
                .fileCount());
        m.putArray("files").addNull();
        // does not parse as an entry; the repository reports that as an IntegrityException naming the manifest
        assertThrows(IOException.class, () -> ManifestSummary.read(
                new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(m)), "backups/x.json"));
    }

    @Test
    void anEntryWithAPathOutsideTheDataDirectoryIsRefused() throws IOException {
        ObjectNode m = (ObjectNode) Json.MAPPER.readTree(ManifestGoldenTest.golden("full-manifest.json"));
        ((ObjectNode) m.get("files").get(1)).put("path", "../../etc/passwd");
        IntegrityException e = assertThrows(IntegrityException.class, () -> ManifestSummary.read(
                new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(m)), "backups/x.json"));
        assertTrue(e.getMessage().contains("../../etc/passwd"), e.getMessage());
    }

    /**
     * A million file entries (about 200 MB of JSON) stream from a generator thread through the
     * reader; the whole manifest would need gigabytes of heap, the summary holds none of it.
     */
    @Test
    void aManifestOfMillionsOfFilesIsSummarisedInConstantMemory() throws Exception {
        ObjectNode m = (ObjectNode) Json.MAPPER.readTree(ManifestGoldenTest.golden("full-manifest.json"));
        JsonNode template = null;
        for (JsonNode f : m.get("files")) {
            if ("file".equals(f.path("type").asText()) && f.has("part")) {
                template = f;
                break;
            }
        }
        JsonNode entry = template;
        long count = 1_000_000;
        PipedInputStream in = new PipedInputStream(1 << 16);
        PipedOutputStream out = new PipedOutputStream(in);
        Thread writer = new Thread(() -> writeWithManyFiles(m, entry, count, out), "manifest-writer");
        long before = usedHeap();
        writer.start();
        ManifestSummary summary;
        try (InputStream source = in) {
            summary = ManifestSummary.read(source, "backups/huge.json");
        }
        writer.join();
        assertEquals(count, summary.fileCount());
        long grown = usedHeap() - before;
        assertTrue(grown < 64L << 20, "the summary kept " + (grown >> 20) + " MiB after streaming " + count + " entries");
    }

    private static void writeWithManyFiles(ObjectNode manifest, JsonNode entry, long count, OutputStream out) {
        try (OutputStream o = out; JsonGenerator g = Json.MAPPER.getFactory().createGenerator(o, JsonEncoding.UTF8)) {
            g.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = manifest.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!field.getKey().equals("files")) {
                    g.writeFieldName(field.getKey());
                    g.writeTree(field.getValue());
                    continue;
                }
                g.writeArrayFieldStart("files");
                ObjectNode f = ((ObjectNode) entry).deepCopy();
                for (long i = 0; i < count; i++) {
                    f.put("path", "base/16384/" + (100000 + i));
                    g.writeTree(f);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
