package io.walkeeper.core.repo;

/**
 * A backup's manifest read for a delta to be taken against it: its summary, and its file list in
 * a {@link FileListIndex} that finds a path's entry without holding the list on the heap. Closing
 * it removes the index's temporary file.
 *
 * @param summary the manifest without its file list
 * @param files its file list, complete
 */
public record IndexedManifest(ManifestSummary summary, FileListIndex files) implements AutoCloseable {

    /** @return the manifest with an empty file list */
    public BackupManifest header() {
        return summary.header();
    }

    @Override
    public void close() {
        files.close();
    }
}
