package io.walkeeper.core.repo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.core.io.HeldTempFiles;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The on-disk index of a delta's parent finds every entry as it was added, and nothing else. */
class FileListIndexTest {

    @Test
    void findsEveryEntryAsAddedAndNoPathItWasNotGiven() {
        List<FileEntry> entries = FileListSpillTest.joined(FileListSpillTest.pieces(20_000, 7));
        try (FileListIndex index = FileListIndex.create()) {
            entries.forEach(index::add);
            index.complete();
            assertEquals(entries.size(), index.size());
            for (FileEntry e : entries) {
                assertEquals(e, index.find(e.path()), e.path());
            }
            assertNull(index.find("base/0/1"));
            assertNull(index.find("base/0"));
            assertNull(index.find(""));
            assertNull(index.find(entries.get(1).path() + "_fsm"));
        }
    }

    @Test
    void numbersEntriesInTheOrderAddedAndReadsThemAllInThatOrder() {
        List<FileEntry> entries = FileListSpillTest.joined(FileListSpillTest.pieces(3_000, 5));
        try (FileListIndex index = FileListIndex.create()) {
            entries.forEach(index::add);
            index.complete();
            for (int n = 0; n < entries.size(); n++) {
                assertEquals(n, index.indexOf(entries.get(n).path()));
                assertEquals(entries.get(n), index.get(n));
            }
            assertEquals(-1, index.indexOf("base/0/1"));
            assertThrows(IndexOutOfBoundsException.class, () -> index.get(entries.size()));
            assertThrows(IndexOutOfBoundsException.class, () -> index.get(-1));
            List<FileEntry> read = new ArrayList<>();
            index.forEach(read::add);
            assertEquals(entries, read);
            read.clear();
            index.forEach(read::add);
            assertEquals(entries, read, "each pass reads from the start");
        }
    }

    @Test
    void findsFromManyThreadsAtOnce() throws Exception {
        List<FileEntry> entries = FileListSpillTest.joined(FileListSpillTest.pieces(5_000, 11));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (FileListIndex index = FileListIndex.create()) {
            entries.forEach(index::add);
            index.complete();
            List<Future<Integer>> found = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                found.add(pool.submit(() -> {
                    int n = 0;
                    for (int i = offset; i < entries.size(); i += 4) {
                        assertEquals(entries.get(i), index.find(entries.get(i).path()));
                        n++;
                    }
                    return n;
                }));
            }
            int total = 0;
            for (Future<Integer> f : found) {
                total += f.get();
            }
            assertEquals(entries.size(), total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPathAddedTwiceIsRefusedByName() {
        try (FileListIndex index = FileListIndex.create()) {
            List<FileEntry> entries = FileListSpillTest.joined(FileListSpillTest.pieces(100, 3));
            entries.forEach(index::add);
            index.add(entries.get(40));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, index::complete);
            assertTrue(e.getMessage().contains(entries.get(40).path() + " twice"), e.getMessage());
        }
    }

    @Test
    void isUsableOnlyOnceCompleteAndItsUnnamedFileIsFreedOnClose() throws IOException {
        List<String> before = HeldTempFiles.held("walkeeper-file-index-");
        FileListIndex index = FileListIndex.create();
        assertEquals(before.size() + 1, HeldTempFiles.held("walkeeper-file-index-").size(), "held open, unlinked");
        FileEntry dir = FileListSpillTest.pieces(0, 1).get(0);
        index.add(dir);
        assertThrows(IllegalStateException.class, () -> index.find(dir.path()));
        index.complete();
        assertThrows(IllegalStateException.class, () -> index.add(dir));
        assertEquals(dir, index.find(dir.path()));
        index.close();
        assertEquals(before, HeldTempFiles.held("walkeeper-file-index-"), "closing frees it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"full-manifest.json", "delta-manifest.json", "chunked-manifest.json"})
    void aStoredManifestReadIndexedFindsWhatTheWholeManifestLists(String golden) throws IOException {
        BackupManifest whole = ManifestGoldenTest.read(golden);
        Repository repo = repository();
        repo.writeManifest(whole);
        try (IndexedManifest indexed = repo.readManifestIndexed(whole.name()).orElseThrow()) {
            assertEquals(whole.toInfo(), indexed.summary().toInfo());
            assertTrue(indexed.header().files().isEmpty(), "the header holds no file list");
            assertEquals(whole.files().size(), indexed.files().size());
            for (FileEntry f : whole.files()) {
                assertEquals(f, indexed.files().find(f.path()), f.path());
            }
        }
        assertTrue(repo.readManifestIndexed("base_000000010000000000000077").isEmpty(), "no such backup");
    }

    @Test
    void aStoredManifestListingAPathTwiceIsRefusedAsDamaged() throws IOException {
        BackupManifest whole = ManifestGoldenTest.read("full-manifest.json");
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(ManifestGoldenTest.golden("full-manifest.json"));
        ArrayNode files = (ArrayNode) json.get("files");
        files.add(files.get(files.size() - 1).deepCopy());
        Repository repo = repository();
        String key = RepositoryLayout.manifestKey(whole.name());
        repo.store().put(key, out -> out.write(Json.MAPPER.writeValueAsBytes(json)));
        IntegrityException e = assertThrows(IntegrityException.class, () -> repo.readManifestIndexed(whole.name()));
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains(files.get(files.size() - 1).get("path").asText()
                + " twice"), e.getMessage());
    }

    private static Repository repository() {
        return new Repository(new InMemoryBlobStore(),
                new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null, Providers.codecs()));
    }
}
