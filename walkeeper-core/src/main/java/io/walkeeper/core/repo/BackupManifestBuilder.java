package io.walkeeper.core.repo;

import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupStatistics;
import io.walkeeper.api.CorruptPage;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link BackupManifest} field by field, from {@link BackupManifest#builder()}. A field
 * not set is absent ({@code null}, zero or {@code false}), except the format version, which is
 * the current one. Nothing is checked here: {@link BackupManifest#validate(String)} checks a
 * manifest read back. Not thread-safe.
 *
 * <p>Just over 300 lines only because each of the manifest's 28 fields has its setter and Javadoc.
 */
public final class BackupManifestBuilder {
    private int formatVersion = RepositoryLayout.FORMAT_VERSION;
    private String name;
    private BackupKind kind;
    private String parent;
    private TimelineId timeline;
    private Lsn startLsn;
    private Lsn stopLsn;
    private String startWalSegment;
    private String stopWalSegment;
    private Instant startTime;
    private Instant finishTime;
    private int pgVersionNum;
    private String systemIdentifier;
    private boolean dataChecksums;
    private long walSegmentSize;
    private int blockSize;
    private boolean permanent;
    private Map<String, String> labels;
    private String backupLabel;
    private String tablespaceMap;
    private List<BackupManifest.Tablespace> tablespaces;
    private String compression;
    private long dataSize;
    private long storedSize;
    private List<BackupManifest.Part> parts;
    private List<FileEntry> files;
    private BackupStatistics statistics;
    private List<CorruptPage> corruptPages;

    BackupManifestBuilder() {
    }

    /**
     * @param value the repository format version (the current one unless set)
     * @return this builder
     */
    public BackupManifestBuilder formatVersion(int value) {
        formatVersion = value;
        return this;
    }

    /**
     * @param value the backup name
     * @return this builder
     */
    public BackupManifestBuilder name(String value) {
        name = value;
        return this;
    }

    /**
     * @param value full or delta
     * @return this builder
     */
    public BackupManifestBuilder kind(BackupKind value) {
        kind = value;
        return this;
    }

    /**
     * @param value the parent backup of a delta, {@code null} for a full backup
     * @return this builder
     */
    public BackupManifestBuilder parent(String value) {
        parent = value;
        return this;
    }

    /**
     * @param value the timeline the backup started on
     * @return this builder
     */
    public BackupManifestBuilder timeline(TimelineId value) {
        timeline = value;
        return this;
    }

    /**
     * @param value the start LSN
     * @return this builder
     */
    public BackupManifestBuilder startLsn(Lsn value) {
        startLsn = value;
        return this;
    }

    /**
     * @param value the stop LSN
     * @return this builder
     */
    public BackupManifestBuilder stopLsn(Lsn value) {
        stopLsn = value;
        return this;
    }

    /**
     * @param value the name of the segment holding the start LSN
     * @return this builder
     */
    public BackupManifestBuilder startWalSegment(String value) {
        startWalSegment = value;
        return this;
    }

    /**
     * @param value the name of the last segment recovery needs
     * @return this builder
     */
    public BackupManifestBuilder stopWalSegment(String value) {
        stopWalSegment = value;
        return this;
    }

    /**
     * @param value when the backup started
     * @return this builder
     */
    public BackupManifestBuilder startTime(Instant value) {
        startTime = value;
        return this;
    }

    /**
     * @param value when the manifest was written
     * @return this builder
     */
    public BackupManifestBuilder finishTime(Instant value) {
        finishTime = value;
        return this;
    }

    /**
     * @param value PostgreSQL's {@code server_version_num}
     * @return this builder
     */
    public BackupManifestBuilder pgVersionNum(int value) {
        pgVersionNum = value;
        return this;
    }

    /**
     * @param value the system identifier as an unsigned decimal number
     * @return this builder
     */
    public BackupManifestBuilder systemIdentifier(String value) {
        systemIdentifier = value;
        return this;
    }

    /**
     * @param value whether the cluster has page checksums
     * @return this builder
     */
    public BackupManifestBuilder dataChecksums(boolean value) {
        dataChecksums = value;
        return this;
    }

    /**
     * @param value the WAL segment size in bytes
     * @return this builder
     */
    public BackupManifestBuilder walSegmentSize(long value) {
        walSegmentSize = value;
        return this;
    }

    /**
     * @param value the data page size in bytes
     * @return this builder
     */
    public BackupManifestBuilder blockSize(int value) {
        blockSize = value;
        return this;
    }

    /**
     * @param value whether retention never removes the backup
     * @return this builder
     */
    public BackupManifestBuilder permanent(boolean value) {
        permanent = value;
        return this;
    }

    /**
     * @param value the user labels
     * @return this builder
     */
    public BackupManifestBuilder labels(Map<String, String> value) {
        labels = value;
        return this;
    }

    /**
     * @param value the {@code backup_label} text PostgreSQL returned
     * @return this builder
     */
    public BackupManifestBuilder backupLabel(String value) {
        backupLabel = value;
        return this;
    }

    /**
     * @param value the {@code tablespace_map} text PostgreSQL returned
     * @return this builder
     */
    public BackupManifestBuilder tablespaceMap(String value) {
        tablespaceMap = value;
        return this;
    }

    /**
     * @param value the tablespaces with their original locations
     * @return this builder
     */
    public BackupManifestBuilder tablespaces(List<BackupManifest.Tablespace> value) {
        tablespaces = value;
        return this;
    }

    /**
     * @param value the codec name new parts were written with
     * @return this builder
     */
    public BackupManifestBuilder compression(String value) {
        compression = value;
        return this;
    }

    /**
     * @param value bytes read from the cluster
     * @return this builder
     */
    public BackupManifestBuilder dataSize(long value) {
        dataSize = value;
        return this;
    }

    /**
     * @param value bytes stored
     * @return this builder
     */
    public BackupManifestBuilder storedSize(long value) {
        storedSize = value;
        return this;
    }

    /**
     * @param value the stored parts
     * @return this builder
     */
    public BackupManifestBuilder parts(List<BackupManifest.Part> value) {
        parts = value;
        return this;
    }

    /**
     * @param value every file and directory of the backup
     * @return this builder
     */
    public BackupManifestBuilder files(List<FileEntry> value) {
        files = value;
        return this;
    }

    /**
     * @param value what the backup read and stored
     * @return this builder
     */
    public BackupManifestBuilder statistics(BackupStatistics value) {
        statistics = value;
        return this;
    }

    /**
     * @param value pages whose checksum failed while the backup read them
     * @return this builder
     */
    public BackupManifestBuilder corruptPages(List<CorruptPage> value) {
        corruptPages = value;
        return this;
    }

    /**
     * Builds the manifest.
     *
     * @return the manifest
     */
    public BackupManifest build() {
        boolean chunked = files != null && FileListSpill.anyChunked(files);
        int version = chunked && formatVersion == RepositoryLayout.FORMAT_VERSION
                ? RepositoryLayout.CHUNKED_FORMAT_VERSION : formatVersion;
        return new BackupManifest(version, name, kind, parent, timeline, startLsn, stopLsn, startWalSegment,
                stopWalSegment, startTime, finishTime, pgVersionNum, systemIdentifier, dataChecksums, walSegmentSize,
                blockSize, permanent, labels, backupLabel, tablespaceMap, tablespaces, compression, dataSize, storedSize,
                parts, files, statistics, corruptPages);
    }
}
