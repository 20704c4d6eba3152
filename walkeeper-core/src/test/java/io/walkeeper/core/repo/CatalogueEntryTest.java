package io.walkeeper.core.repo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.storage.fs.FsBlobStore;
import io.walkeeper.testkit.BlobOperation;
import io.walkeeper.testkit.FaultyBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A large manifest gets a catalogue entry, which listing reads instead of the manifest; an entry
 * that is missing, unreadable or does not match the manifest now stored is not trusted, and the
 * manifest itself is read as before.
 */
class CatalogueEntryTest {
    private static final String LARGE = "base_000000010000000000000004";
    private static final String SMALL = "base_000000010000000000000002";
    private static final int EXTRA_FILES = 6_000;

    @TempDir
    Path tmp;

    private FaultyBlobStore store;
    private Repository repo;

    @BeforeEach
    void writeALargeAndASmallManifest() throws IOException {
        store = new FaultyBlobStore(FsBlobStore.open(tmp.resolve("repo")));
        repo = new Repository(store, new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null,
                Providers.codecs()));
        repo.writeManifest(manifest(LARGE, EXTRA_FILES));
        repo.writeManifest(manifest(SMALL, 0));
        store.clearCalls();
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** The golden full manifest under another name, with {@code extra} more files in its part. */
    private static BackupManifest manifest(String name, int extra) throws IOException {
        ObjectNode m = (ObjectNode) Json.MAPPER.readTree(ManifestGoldenTest.golden("full-manifest.json"));
        m.put("name", name);
        m.put("startWalSegment", name.substring(5));
        m.put("stopWalSegment", name.substring(5));
        m.put("finishTime", name.equals(LARGE) ? "2026-11-22T05:00:00Z" : "2026-11-22T04:55:00Z");
        ArrayNode files = (ArrayNode) m.get("files");
        for (int i = 0; i < extra; i++) {
            files.addObject().put("path", "base/5/" + (100_000 + i)).put("type", "file").put("size", 8192).put("mode", 384)
                    .put("mtime", "2026-11-22T04:49:00Z").put("part", "part_0001.tar.lz4").put("storage", "whole")
                    .put("entrySize", 8192);
        }
        return Json.MAPPER.treeToValue(m, BackupManifest.class).validate(name);
    }

    private int gets(String key) {
        return store.count(BlobOperation.GET, key::equals);
    }

    private byte[] stored(String key) throws IOException {
        try (InputStream in = repo.store().get(key)) {
            return in.readAllBytes();
        }
    }

    private static ManifestSummary streamed(Repository repo, String name) throws IOException {
        try (InputStream in = repo.store().get(RepositoryLayout.manifestKey(name))) {
            return ManifestSummary.read(in, name);
        }
    }

    @Test
    void aLargeManifestIsListedFromItsEntryWithoutBeingRead() throws IOException {
        assertTrue(repo.store().head(RepositoryLayout.catalogueEntryKey(LARGE)).isPresent(), "the large manifest has an entry");
        assertFalse(repo.store().head(RepositoryLayout.catalogueEntryKey(SMALL)).isPresent(), "a small one has none");
        assertTrue(repo.store().head(RepositoryLayout.manifestKey(LARGE)).orElseThrow().size()
                >= CatalogueEntry.FROM_MANIFEST_BYTES);

        List<ManifestSummary> listed = repo.manifestSummaries();
        assertEquals(List.of(SMALL, LARGE), listed.stream().map(ManifestSummary::name).toList());
        assertEquals(0, gets(RepositoryLayout.manifestKey(LARGE)), "the large manifest is not read");
        assertEquals(1, gets(RepositoryLayout.catalogueEntryKey(LARGE)));
        assertEquals(1, gets(RepositoryLayout.manifestKey(SMALL)), "the small one is streamed, as before");
        assertEquals(streamed(repo, LARGE).toInfo(), listed.get(1).toInfo());
        assertEquals(EXTRA_FILES + 3, listed.get(1).fileCount());
        assertTrue(listed.get(1).header().files().isEmpty());
        assertEquals(streamed(repo, LARGE).toInfo(), repo.readManifestSummary(LARGE).orElseThrow().toInfo());
    }

    @Test
    void theEntryRecordsTheStoredManifestsLengthAndHash() throws IOException {
        byte[] manifest = stored(RepositoryLayout.manifestKey(LARGE));
        CatalogueEntry entry = Json.MAPPER.readValue(stored(RepositoryLayout.catalogueEntryKey(LARGE)), CatalogueEntry.class);
        assertEquals(manifest.length, entry.manifestBytes());
        assertEquals(java.util.HexFormat.of().formatHex(sha256(manifest)), entry.manifestSha256());
    }

    private static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aTruncatedManifestIsReadAndRefusedDespiteItsEntry() throws IOException {
        String key = RepositoryLayout.manifestKey(LARGE);
        byte[] manifest = stored(key);
        store.delegate().put(key, out -> out.write(manifest, 0, manifest.length - 100));
        store.clearCalls();

        assertEquals(List.of(SMALL), repo.manifestSummaries().stream().map(ManifestSummary::name).toList(),
                "the damaged backup is left out of the listing, as without an entry");
        assertEquals(1, gets(key), "the manifest itself was read");
        assertThrows(IntegrityException.class, () -> repo.readManifestSummary(LARGE));
    }

    @Test
    void aMissingOrUnreadableEntryFallsBackToTheManifest() throws IOException {
        ManifestSummary expected = streamed(repo, LARGE);
        String entryKey = RepositoryLayout.catalogueEntryKey(LARGE);
        store.delegate().put(entryKey, out -> out.write("{\"formatVersion\": 1, \"manifestBytes\": ".getBytes(StandardCharsets.UTF_8)));
        store.clearCalls();
        ManifestSummary fromManifest = repo.manifestSummaries().get(1);
        assertEquals(expected.toInfo(), fromManifest.toInfo());
        assertEquals(expected.fileCount(), fromManifest.fileCount());
        assertEquals(1, gets(RepositoryLayout.manifestKey(LARGE)), "an unreadable entry is not trusted");

        store.delegate().delete(List.of(entryKey));
        store.clearCalls();
        assertEquals(expected.toInfo(), repo.manifestSummaries().get(1).toInfo());
        assertEquals(1, gets(RepositoryLayout.manifestKey(LARGE)), "without an entry the manifest is streamed");
    }

    @Test
    void anEntryOfAnotherBackupIsNotTrusted() throws IOException {
        String entryKey = RepositoryLayout.catalogueEntryKey(LARGE);
        ObjectNode other = (ObjectNode) Json.MAPPER.readTree(stored(entryKey));
        ((ObjectNode) other.get("header")).put("name", SMALL);
        store.delegate().put(entryKey, out -> out.write(Json.MAPPER.writeValueAsBytes(other)));
        store.clearCalls();
        assertEquals(LARGE, repo.manifestSummaries().get(1).name());
        assertEquals(1, gets(RepositoryLayout.manifestKey(LARGE)));
        assertArrayEquals(new String[] {SMALL, LARGE},
                repo.manifestSummaries().stream().map(ManifestSummary::name).toArray(String[]::new));
    }
}
