package io.walkeeper.core.backup;

import io.walkeeper.api.BackupStatistics;
import io.walkeeper.api.CorruptPage;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.core.pg.ChangedBlocks;
import io.walkeeper.core.repo.FileEntry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What every part writer of one backup shares: the page rules of the cluster, the parent of a
 * delta backup, and the running figures. Thread-safe.
 */
final class BackupContext {
    final int blockSize;
    final long blocksPerSegment;
    final boolean checksums;
    /** Pages at or after this LSN may be torn: their checksums are not checked. */
    final long backupStartLsn;
    final Instant backupStart;
    final boolean failOnCorruptPage;
    /** The parent's entry of a path ({@code null} when it has none); {@code null} for a full backup. */
    final Function<String, FileEntry> parentFiles;
    /** Pages at or after this LSN changed since the parent started. */
    final long parentStartLsn;
    /** When the parent started (its manifest's start time), {@code null} for a full backup. */
    final Instant parentStart;
    /**
     * The blocks WAL modified since the parent started, from the server's WAL summaries: a delta
     * reads only those of a relation file the parent holds. {@code null}: read every block.
     */
    final ChangedBlocks changedBlocks;

    final AtomicLong bytesRead = new AtomicLong();
    final AtomicLong pagesScanned = new AtomicLong();
    final AtomicLong pagesStored = new AtomicLong();
    final AtomicLong filesWhole = new AtomicLong();
    final AtomicLong filesDelta = new AtomicLong();
    final AtomicLong filesUnchanged = new AtomicLong();
    final AtomicLong filesUnread = new AtomicLong();
    final AtomicLong bytesUnread = new AtomicLong();
    private final ConcurrentLinkedQueue<CorruptPage> corrupt = new ConcurrentLinkedQueue<>();
    private final Set<String> created = ConcurrentHashMap.newKeySet();

    BackupContext(int blockSize, long blocksPerSegment, boolean checksums, long backupStartLsn, Instant backupStart,
                  boolean failOnCorruptPage, Function<String, FileEntry> parentFiles, long parentStartLsn,
                  Instant parentStart, ChangedBlocks changedBlocks) {
        this.blockSize = blockSize;
        this.blocksPerSegment = blocksPerSegment;
        this.checksums = checksums;
        this.backupStartLsn = backupStartLsn;
        this.backupStart = backupStart;
        this.failOnCorruptPage = failOnCorruptPage;
        this.parentFiles = parentFiles;
        this.parentStartLsn = parentStartLsn;
        this.parentStart = parentStart;
        this.changedBlocks = changedBlocks;
    }

    /** Notes a key this run is about to create, so that a failed run removes exactly what it wrote. */
    void creating(String key) {
        created.add(key);
    }

    /** @return the keys this run created or tried to create */
    List<String> createdKeys() {
        return List.copyOf(created);
    }

    boolean delta() {
        return parentFiles != null;
    }

    void corruptPage(CorruptPage page) {
        if (failOnCorruptPage) {
            throw new IntegrityException("Data page " + page + " failed its checksum twice: the backup is stopped "
                    + "and no manifest is written (HINT: check the storage under the data directory and run "
                    + "pg_amcheck; without --fail-on-corrupt-page the backup completes and lists such pages)");
        }
        corrupt.add(page);
    }

    List<CorruptPage> corruptPages() {
        List<CorruptPage> list = new ArrayList<>(corrupt);
        list.sort(Comparator.comparing(CorruptPage::path).thenComparingLong(CorruptPage::block));
        return list;
    }

    BackupStatistics statistics(long bytesStored) {
        return new BackupStatistics(bytesRead.get(), bytesStored, pagesScanned.get(), pagesStored.get(), filesWhole.get(),
                filesDelta.get(), filesUnchanged.get(), filesUnread.get(), bytesUnread.get());
    }
}
