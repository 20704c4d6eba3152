package io.walkeeper.api;

/**
 * What a backup read and stored. A full backup stores every file whole; a delta backup stores
 * changed pages of relation files, changed other files whole, and skips files unchanged since
 * its parent.
 *
 * @param bytesRead bytes read from the data directory
 * @param bytesStored bytes stored in the repository (after compression and encryption)
 * @param pagesScanned relation pages read and checked
 * @param pagesStored relation pages stored in delta form
 * @param filesStoredWhole files stored whole
 * @param filesStoredAsDelta relation files stored as changed pages
 * @param filesSkippedUnchanged files not stored because the parent chain holds them unchanged
 */
public record BackupStatistics(long bytesRead, long bytesStored, long pagesScanned, long pagesStored,
                               long filesStoredWhole, long filesStoredAsDelta, long filesSkippedUnchanged) {
    /** Statistics with every figure zero. */
    public static final BackupStatistics EMPTY = new BackupStatistics(0, 0, 0, 0, 0, 0, 0);
}
