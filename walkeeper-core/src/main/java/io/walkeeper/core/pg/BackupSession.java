package io.walkeeper.core.pg;

import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;

import java.util.Optional;

/**
 * What a backup run asks of the PostgreSQL server it backs up: the cluster's facts and the
 * non-exclusive backup API, on one session held open from start to stop. {@link PgSession} talks
 * to a real server; tests of the run's phases use a scripted one.
 */
public interface BackupSession extends AutoCloseable {

    /** @return how the server is reached, for messages (never a password) */
    String server();

    /** @return {@code server_version_num}, e.g. 150018 */
    int versionNum();

    /** @return the server's {@code data_directory} */
    String dataDirectory();

    /** @return the cluster's system identifier */
    long systemIdentifier();

    /** @return the WAL segment size in bytes */
    long walSegmentSize();

    /** @return the data page size in bytes */
    int blockSize();

    /** @return blocks per relation segment file ({@code RELSEG_SIZE}) */
    long blocksPerSegment();

    /** @return whether page checksums are on */
    boolean dataChecksums();

    /** @return whether the server is a standby */
    boolean inRecovery();

    /** @return {@code archive_mode}: {@code off}, {@code on} or {@code always} */
    String archiveMode();

    /**
     * The statistics temporary directory, which a backup leaves out (PostgreSQL 12 to 14 only).
     *
     * @return the directory relative to the data directory, or empty (15+, or an absolute path)
     */
    Optional<String> statsTempDirectory();

    /** @return the timeline of the latest checkpoint */
    TimelineId checkpointTimeline();

    /**
     * Starts a non-exclusive backup on this session.
     *
     * @param label the backup label
     * @param fast request an immediate checkpoint
     * @return the start LSN
     */
    Lsn startBackup(String label, boolean fast);

    /**
     * Stops the backup started on this session, without waiting for WAL archiving (the caller
     * checks the repository itself).
     *
     * @return the stop LSN, backup_label and tablespace_map
     */
    StopResult stopBackup();

    /**
     * The relation blocks WAL modified from {@code from} to {@code to} on one timeline, from the
     * server's WAL summaries (PostgreSQL 17 with {@code summarize_wal = on}), after waiting a
     * little for the summarizer to reach {@code to}.
     *
     * @param timeline the timeline both LSNs are on
     * @param from where the delta's parent started
     * @param to where this backup started
     * @return the blocks, or empty when the summaries do not cover the whole range (older
     *     server, summaries off or removed, summarizer behind, too many blocks to hold): the
     *     caller then reads every block
     */
    default Optional<ChangedBlocks> changedBlocks(TimelineId timeline, Lsn from, Lsn to) {
        return Optional.empty();
    }

    /** Ends the session; a backup still running on it is aborted by the server. */
    @Override
    void close();

    /**
     * What stopping the backup returned.
     *
     * @param stopLsn the stop LSN
     * @param labelFile the backup_label content
     * @param tablespaceMap the tablespace_map content (may be empty)
     */
    record StopResult(Lsn stopLsn, String labelFile, String tablespaceMap) {
    }
}
