package io.walkeeper.core.repo;

/**
 * What listing needs of a backup whose manifest is large, stored beside it
 * ({@link RepositoryLayout#catalogueEntryKey}) before the manifest is written: the manifest
 * without its file list, the number of files, and the manifest's length and SHA-256. Listing,
 * choosing a backup, a delta's parent and retention read it instead of streaming a manifest of a
 * million files, as long as the manifest's length still matches; otherwise, or when there is no
 * entry (a small manifest, or one written before entries existed), they stream the manifest.
 * A restore and a verification always read the manifest itself.
 *
 * @param formatVersion the entry's format version, {@value #FORMAT_VERSION}
 * @param manifestBytes the manifest's length in bytes
 * @param manifestSha256 the hex SHA-256 of the manifest's bytes
 * @param fileCount the regular files the manifest lists
 * @param header the manifest with an empty file list
 */
record CatalogueEntry(int formatVersion, long manifestBytes, String manifestSha256, long fileCount, BackupManifest header) {
    /** The format version this release writes and reads. */
    static final int FORMAT_VERSION = 1;
    /** Manifests of at least this many bytes (about 4,000 files) get an entry. */
    static final long FROM_MANIFEST_BYTES = 1 << 20;
}
