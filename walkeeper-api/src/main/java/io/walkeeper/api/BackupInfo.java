package io.walkeeper.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the repository knows about one completed backup, read from its manifest. Only backups
 * whose manifest was written (the last step of a backup) are ever described by a
 * {@code BackupInfo}.
 *
 * @param name the backup name, {@code base_<start segment>} (WAL-G's naming)
 * @param kind full or delta
 * @param parentName the parent backup for a delta, {@code null} for a full backup
 * @param timeline the timeline the backup started on
 * @param startLsn the redo pointer of the backup checkpoint: WAL from here on is needed
 * @param stopLsn where the backup ended: recovery must replay at least up to here
 * @param startWalSegment the segment holding {@code startLsn}
 * @param stopWalSegment the last segment recovery needs, {@code PrevSeg(stopLsn)}
 * @param startTime when the backup started (UTC)
 * @param finishTime when the manifest was written (UTC)
 * @param pgVersionNum PostgreSQL's {@code server_version_num}, e.g. 150018
 * @param systemIdentifier the cluster's system identifier from pg_control
 * @param dataChecksums whether the cluster has page checksums enabled
 * @param walSegmentSize the cluster's WAL segment size in bytes
 * @param permanent a permanent backup is never removed by retention
 * @param labels user labels
 * @param dataSize bytes of data read from the data directory
 * @param storedSize bytes stored in the repository (after compression and encryption)
 * @param fileCount number of files in the backup
 * @param partCount number of stored parts
 * @param statistics what the backup read and stored, page by page
 * @param corruptPages pages whose checksum failed when the backup read them (empty when the
 *     cluster has no data checksums or every page was fine)
 */
public record BackupInfo(
        String name,
        BackupKind kind,
        String parentName,
        TimelineId timeline,
        Lsn startLsn,
        Lsn stopLsn,
        String startWalSegment,
        String stopWalSegment,
        Instant startTime,
        Instant finishTime,
        int pgVersionNum,
        long systemIdentifier,
        boolean dataChecksums,
        long walSegmentSize,
        boolean permanent,
        Map<String, String> labels,
        long dataSize,
        long storedSize,
        long fileCount,
        int partCount,
        BackupStatistics statistics,
        List<CorruptPage> corruptPages) {

    /** Makes the collections immutable. */
    public BackupInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        statistics = statistics == null ? BackupStatistics.EMPTY : statistics;
        corruptPages = corruptPages == null ? List.of() : List.copyOf(corruptPages);
    }

    /**
     * Returns the parent of a delta backup.
     *
     * @return the parent's name, empty for a full backup
     */
    public Optional<String> parent() {
        return Optional.ofNullable(parentName);
    }

    /**
     * Returns the system identifier as PostgreSQL prints it (an unsigned decimal number).
     *
     * @return for example {@code 7441012542342354944}
     */
    public String systemIdentifierText() {
        return Long.toUnsignedString(systemIdentifier);
    }

    /**
     * Returns this backup with another permanence, as a later mark sets it.
     *
     * @param value whether it is permanent
     * @return a copy, or this when nothing changes
     */
    public BackupInfo withPermanent(boolean value) {
        if (value == permanent) {
            return this;
        }
        return new BackupInfo(name, kind, parentName, timeline, startLsn, stopLsn, startWalSegment, stopWalSegment,
                startTime, finishTime, pgVersionNum, systemIdentifier, dataChecksums, walSegmentSize, value, labels,
                dataSize, storedSize, fileCount, partCount, statistics, corruptPages);
    }
}
