package io.walkeeper.core.repo;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.IntegrityException;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A backup's manifest without its file list: what listing, choosing LATEST or a delta's parent,
 * retention and the WAL checks need, read from a large manifest's {@link CatalogueEntry}, or else
 * by streaming the manifest so that memory does not grow with the number of files. Each file
 * entry is still read and checked as it streams past (its values, its path, that it names a
 * listed part) and counted; only the check that no path appears twice, which needs every path at
 * once, is left to the reads that keep the list ({@code Repository.readManifest}, and the indexed
 * reads of a delta's parent, a restore and a verification, whose index refuses a path twice).
 *
 * @param header the manifest with an empty file list; never restore from it
 * @param fileCount the regular files the manifest lists
 */
public record ManifestSummary(BackupManifest header, long fileCount) {
    private static final ObjectReader ENTRY_READER = Json.MAPPER.readerFor(FileEntry.class);

    /** @return the backup's name */
    public String name() {
        return header.name();
    }

    /** @return the backup as the public API describes it */
    public BackupInfo toInfo() {
        return header.toInfo(fileCount);
    }

    /**
     * Streams a manifest.
     *
     * @param in the manifest's bytes
     * @param key the manifest key, for messages
     * @return the summary
     * @throws IOException if it cannot be read or does not parse (a {@link com.fasterxml.jackson.core.JacksonException})
     * @throws IntegrityException if it parses but is incomplete or lists an invalid entry
     */
    static ManifestSummary read(InputStream in, String key) throws IOException {
        return read(in, key, f -> { });
    }

    /**
     * Streams a manifest, handing each file entry to {@code entries} as it is read. The summary
     * is returned only once the whole manifest has been read and checked: an entry handed over
     * belongs to a manifest that may still be refused.
     *
     * @param in the manifest's bytes
     * @param key the manifest key, for messages
     * @param entries receives each entry, in the manifest's order
     * @return the summary
     * @throws IOException if it cannot be read or does not parse (a {@link com.fasterxml.jackson.core.JacksonException})
     * @throws IntegrityException if it parses but is incomplete or lists an invalid entry
     */
    static ManifestSummary read(InputStream in, String key, Consumer<FileEntry> entries) throws IOException {
        ObjectNode header = Json.MAPPER.createObjectNode();
        long fileCount = 0;
        Set<String> partsNamed = new HashSet<>();
        String badEntry = null;
        boolean chunked = false;
        try (JsonParser p = Json.MAPPER.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new com.fasterxml.jackson.core.JsonParseException(p, "a manifest is a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!field.equals("files") || value != JsonToken.START_ARRAY) {
                    header.set(field, Json.MAPPER.readTree(p));
                    continue;
                }
                header.putArray("files");
                if (p.nextToken() == JsonToken.END_ARRAY) {
                    continue;
                }
                // one deserialisation context for every entry; the iterator stops at the array's end
                MappingIterator<FileEntry> stream = ENTRY_READER.readValues(p);
                while (stream.hasNextValue()) {
                    FileEntry f = stream.nextValue();
                    // the format version may come after the files: chunks are checked against it below
                    String problem = f == null ? "a null entry"
                            : BackupManifest.problemWith(f, null, RepositoryLayout.CHUNKED_FORMAT_VERSION);
                    if (problem != null && badEntry == null) {
                        badEntry = problem;
                    }
                    if (f != null && !f.isDirectory()) {
                        fileCount++;
                    }
                    if (f != null) {
                        entries.accept(f);
                    }
                    if (f != null && f.type() == FileEntry.Type.FILE && f.chunks() != null) {
                        chunked = true;
                        f.chunks().forEach(c -> partsNamed.add(c.part()));
                    }
                    if (f != null && f.type() == FileEntry.Type.FILE && f.storageKind() != FileEntry.Storage.UNCHANGED) {
                        partsNamed.add(f.part());
                    }
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected content after the manifest");
            }
        }
        BackupManifest manifest = Json.MAPPER.treeToValue(header, BackupManifest.class).validate(key);
        if (chunked && manifest.formatVersion() < RepositoryLayout.CHUNKED_FORMAT_VERSION && badEntry == null) {
            badEntry = "files in chunks, which format version " + manifest.formatVersion() + " cannot hold";
        }
        Set<String> listed = new HashSet<>();
        manifest.parts().forEach(part -> listed.add(part.key()));
        for (String part : partsNamed) {
            if (part == null || !listed.contains(part)) {
                badEntry = badEntry != null ? badEntry : "a file in the part " + part + ", which it does not list";
            }
        }
        if (badEntry != null) {
            throw new IntegrityException("Manifest '" + key + "' lists " + badEntry + " (HINT: the manifest was damaged or "
                    + "altered; restore another backup)");
        }
        return new ManifestSummary(manifest, fileCount);
    }
}
