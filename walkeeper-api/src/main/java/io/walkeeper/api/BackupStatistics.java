package io.walkeeper.api;

/**
 * What a backup read and stored. A full backup stores every file whole; a delta backup stores
 * changed pages of relation files, changed other files whole, and skips files unchanged since
 * its parent. Some of the skipped relation files are not even read: their size and modification
 * time show that the parent chain holds them as they are ({@link #filesSkippedUnread()}).
 * {@code bytesRead + bytesSkippedUnread} is about the size of the files the backup covers, which
 * is what a full backup of the same cluster reads.
 *
 * @param bytesRead bytes read from the data directory
 * @param bytesStored bytes stored in the repository (after compression and encryption)
 * @param pagesScanned relation pages read and checked
 * @param pagesStored relation pages stored in delta form
 * @param filesStoredWhole files stored whole
 * @param filesStoredAsDelta relation files stored as changed pages
 * @param filesSkippedUnchanged files not stored because the parent chain holds them unchanged
 *     (those skipped unread included)
 * @param filesSkippedUnread of {@code filesSkippedUnchanged}, the relation files recorded as
 *     unchanged without being opened, from their size and modification time
 * @param bytesSkippedUnread the total size of the files counted in {@code filesSkippedUnread},
 *     plus the blocks of relation files a delta did not read because the server's WAL summaries
 *     showed them unchanged (PostgreSQL 17 with {@code summarize_wal})
 */
public record BackupStatistics(long bytesRead, long bytesStored, long pagesScanned, long pagesStored,
                               long filesStoredWhole, long filesStoredAsDelta, long filesSkippedUnchanged,
                               long filesSkippedUnread, long bytesSkippedUnread) {
    /** Statistics with every figure zero. */
    public static final BackupStatistics EMPTY = new BackupStatistics(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * Statistics of a backup that read every file it did not store from the chain, as backups
     * taken before files were skipped unread record them: both unread figures are zero.
     *
     * @param bytesRead bytes read from the data directory
     * @param bytesStored bytes stored in the repository
     * @param pagesScanned relation pages read and checked
     * @param pagesStored relation pages stored in delta form
     * @param filesStoredWhole files stored whole
     * @param filesStoredAsDelta relation files stored as changed pages
     * @param filesSkippedUnchanged files not stored because the parent chain holds them unchanged
     */
    public BackupStatistics(long bytesRead, long bytesStored, long pagesScanned, long pagesStored,
                            long filesStoredWhole, long filesStoredAsDelta, long filesSkippedUnchanged) {
        this(bytesRead, bytesStored, pagesScanned, pagesStored, filesStoredWhole, filesStoredAsDelta,
                filesSkippedUnchanged, 0, 0);
    }
}
