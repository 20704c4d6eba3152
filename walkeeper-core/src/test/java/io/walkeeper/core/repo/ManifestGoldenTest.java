package io.walkeeper.core.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupStatistics;
import io.walkeeper.api.CorruptPage;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Manifests as the repository stores them: {@code full-manifest.json} and
 * {@code delta-manifest.json} were written by the release before the manifest had typed values
 * (LSNs, times, kinds and storage modes held as text) and must read back into the typed values,
 * and write again, unchanged (same fields, same value formats, same absences), so that every
 * release reads every other release's manifests.
 */
class ManifestGoldenTest {
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    static byte[] golden(String name) {
        try (InputStream in = ManifestGoldenTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BackupManifest read(String name) throws IOException {
        return Json.MAPPER.readValue(golden(name), BackupManifest.class).validate("backups/" + name);
    }

    private static void assertWritesAs(String name, BackupManifest m) throws IOException {
        byte[] stored = golden(name);
        byte[] written = Json.MAPPER.writeValueAsBytes(m);
        JsonNode expected = Json.MAPPER.readTree(stored);
        assertEquals(expected, Json.MAPPER.readTree(written));
        assertEquals(new String(stored, StandardCharsets.UTF_8), new String(written, StandardCharsets.UTF_8),
                "the same text, field order included");
    }

    @ParameterizedTest
    @ValueSource(strings = {"full-manifest.json", "delta-manifest.json"})
    void aStoredManifestWritesBackAsItWasRead(String name) throws IOException {
        assertWritesAs(name, read(name));
    }

    @Test
    void aFullManifestReadsIntoTypedValues() throws IOException {
        BackupManifest m = read("full-manifest.json");
        assertEquals(BackupKind.FULL, m.kind());
        assertNull(m.parent());
        assertEquals(TimelineId.FIRST, m.timeline());
        assertEquals(new Lsn(0x4000028), m.startLsn());
        assertEquals(new Lsn(0x4000138), m.stopLsn());
        assertEquals(Instant.parse("2026-11-22T04:50:00.123456Z"), m.startTime());
        assertEquals(Instant.ofEpochSecond(Instant.parse("2026-11-22T04:50:02Z").getEpochSecond(), 500_000_000),
                m.finishTime());
        FileEntry base5 = entry(m, "base/5");
        assertEquals(FileEntry.Type.DIRECTORY, base5.type());
        assertTrue(base5.isDirectory());
        assertNull(base5.storage());
        assertEquals(Instant.parse("2026-11-22T04:49:00Z").plusNanos(1), base5.mtime());
        FileEntry version = entry(m, "PG_VERSION");
        assertEquals(FileEntry.Type.FILE, version.type());
        assertFalse(version.isDirectory());
        assertEquals(FileEntry.Storage.WHOLE, version.storage());
        assertEquals(m.startTime(), version.copiedAt());
        assertEquals(Instant.parse("2026-11-22T04:49:59.987654321Z"), entry(m, "base/5/16384").mtime());
        BackupInfo info = m.toInfo();
        assertEquals(m.startLsn(), info.startLsn());
        assertEquals(m.finishTime(), info.finishTime());
        assertEquals(7441012542342354944L, info.systemIdentifier());
        assertEquals(3, info.fileCount());
    }

    @Test
    void aDeltaManifestReadsIntoTypedValues() throws IOException {
        BackupManifest m = read("delta-manifest.json");
        assertEquals(BackupKind.DELTA, m.kind());
        assertEquals("base_000000010000000000000004", m.parent());
        assertEquals(TimelineId.of(2), m.timeline());
        assertEquals(new Lsn(0x1AB374D848L), m.stopLsn());
        assertEquals(Instant.parse("2026-11-22T05:50:01Z"), m.finishTime());
        assertEquals(FileEntry.Storage.UNCHANGED, entry(m, "PG_VERSION").storage());
        assertNull(entry(m, "PG_VERSION").part());
        assertEquals(Instant.parse("2026-11-22T04:50:00.123456Z"), entry(m, "PG_VERSION").copiedAt());
        FileEntry delta = entry(m, "base/5/16384");
        assertEquals(FileEntry.Storage.DELTA, delta.storageKind());
        assertEquals(8256, delta.tarEntrySize());
        assertNull(delta.copiedAt());
        assertEquals(FileEntry.Storage.WHOLE, entry(m, "global/pg_control").storageKind());
        assertEquals(List.of(new BackupManifest.Tablespace("16385", "/srv/ts1")), m.tablespaces());
        assertEquals(Map.of("env", "prod", "reason", "nightly"), m.labels());
        assertEquals(new BackupStatistics(40960, 2048, 5, 1, 2, 1, 2), m.statistics());
        assertEquals(List.of(new CorruptPage("base/5/16384", 2, 12345, -4321)), m.corruptPages());
        assertEquals(-1L, m.toInfo().systemIdentifier());
    }

    @Test
    void aManifestBuiltFieldByFieldWritesAsTheStoredOne() throws IOException {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("env", "prod");
        labels.put("reason", "nightly");
        Instant copied = Instant.parse("2026-11-22T04:50:00.123456Z");
        Instant start = Instant.parse("2026-11-22T05:50:00Z");
        BackupManifest m = BackupManifest.builder()
                .name("base_000000020000000000000009")
                .kind(BackupKind.DELTA)
                .parent("base_000000010000000000000004")
                .timeline(TimelineId.of(2))
                .startLsn(Lsn.parse("0/9000028"))
                .stopLsn(Lsn.parse("1A/B374D848"))
                .startWalSegment("000000020000000000000009")
                .stopWalSegment("00000002000000000000001A")
                .startTime(start)
                .finishTime(start.plusSeconds(1))
                .pgVersionNum(160004)
                .systemIdentifier("18446744073709551615")
                .dataChecksums(true)
                .walSegmentSize(16 << 20)
                .blockSize(8192)
                .labels(labels)
                .backupLabel("START WAL LOCATION: 0/9000028 (file 000000020000000000000009)\n")
                .tablespaceMap("16385 /srv/ts1\n")
                .tablespaces(List.of(new BackupManifest.Tablespace("16385", "/srv/ts1")))
                .compression("zstd")
                .dataSize(40960)
                .storedSize(2048)
                .parts(List.of(new BackupManifest.Part("part_0001.tar.zst", 1500, SHA, 20480, 2),
                        new BackupManifest.Part("pg_control.tar.zst", 548, SHA, 10240, 1)))
                .files(List.of(FileEntry.directory("base", 0700, Instant.parse("2026-11-22T05:49:00Z")),
                        FileEntry.directory("pg_tblspc/16385/PG_16_202307071", 0700, Instant.parse("2026-11-22T05:49:00Z")),
                        FileEntry.file("PG_VERSION").size(3).mode(0600).mtime(Instant.parse("2026-11-20T08:00:00Z"))
                                .storage(FileEntry.Storage.UNCHANGED).copiedAt(copied).sha256(SHA).build(),
                        FileEntry.file("base/5/16384").size(24576).mode(0600).mtime(Instant.parse("2026-11-22T05:49:59.5Z"))
                                .part("part_0001.tar.zst").storage(FileEntry.Storage.DELTA).entrySize(8192 + 64).build(),
                        FileEntry.file("pg_tblspc/16385/PG_16_202307071/5/16390").size(8192).mode(0600)
                                .mtime(Instant.parse("2026-11-22T05:49:58Z")).part("part_0001.tar.zst").entrySize(8192)
                                .copiedAt(start).build(),
                        FileEntry.file("postgresql.auto.conf").size(88).mode(0600).mtime(Instant.parse("2026-11-21T00:00:00Z"))
                                .storage(FileEntry.Storage.UNCHANGED).copiedAt(copied).sha256(SHA).build(),
                        FileEntry.file("global/pg_control").size(8192).mode(0600).mtime(Instant.parse("2026-11-22T05:50:00.2Z"))
                                .part("pg_control.tar.zst").entrySize(8192).copiedAt(start).sha256(SHA).build()))
                .statistics(new BackupStatistics(40960, 2048, 5, 1, 2, 1, 2))
                .corruptPages(List.of(new CorruptPage("base/5/16384", 2, 12345, -4321)))
                .build();
        assertWritesAs("delta-manifest.json", m);
        assertEquals(m, read("delta-manifest.json"));
    }

    @Test
    void timesWrittenOtherwiseThanInstantWritesThemReadAsTheSameInstant() throws IOException {
        ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(golden("full-manifest.json"));
        tree.put("finishTime", "2026-11-22T04:50:02.5Z");
        ((ObjectNode) tree.get("files").get(0)).put("mtime", "2026-11-22T05:49:00+01:00");
        BackupManifest m = Json.MAPPER.treeToValue(tree, BackupManifest.class).validate("backups/t.json");
        assertEquals(read("full-manifest.json").finishTime(), m.finishTime());
        assertEquals(Instant.parse("2026-11-22T04:49:00Z"), m.files().get(0).mtime());
    }

    private static FileEntry entry(BackupManifest m, String path) {
        return m.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
    }
}
