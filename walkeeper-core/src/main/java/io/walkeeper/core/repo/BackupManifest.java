package io.walkeeper.core.repo;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The manifest of one backup, {@code backups/<name>.json}: written last, it is what makes a
 * backup exist. It records everything a restore needs and every part's SHA-256.
 *
 * @param formatVersion the repository format
 * @param name the backup name
 * @param kind {@code FULL} or {@code DELTA}
 * @param parent the parent backup of a delta
 * @param timeline the start timeline
 * @param startLsn start LSN text
 * @param stopLsn stop LSN text
 * @param startWalSegment the segment holding the start LSN
 * @param stopWalSegment the last segment recovery needs
 * @param startTime ISO 8601 UTC
 * @param finishTime ISO 8601 UTC
 * @param pgVersionNum {@code server_version_num}
 * @param systemIdentifier unsigned decimal
 * @param dataChecksums whether the cluster has page checksums
 * @param walSegmentSize WAL segment size in bytes
 * @param blockSize data page size in bytes
 * @param permanent never removed by retention
 * @param labels user labels
 * @param backupLabel the {@code backup_label} text PostgreSQL returned
 * @param tablespaceMap the {@code tablespace_map} text PostgreSQL returned (may be empty)
 * @param tablespaces tablespaces with their original locations
 * @param compression the codec name new parts were written with
 * @param dataSize bytes read from the cluster
 * @param storedSize bytes stored
 * @param parts the stored parts
 * @param files every file and directory in the backup
 */
public record BackupManifest(
        int formatVersion,
        String name,
        String kind,
        String parent,
        long timeline,
        String startLsn,
        String stopLsn,
        String startWalSegment,
        String stopWalSegment,
        String startTime,
        String finishTime,
        int pgVersionNum,
        String systemIdentifier,
        boolean dataChecksums,
        long walSegmentSize,
        int blockSize,
        boolean permanent,
        Map<String, String> labels,
        String backupLabel,
        String tablespaceMap,
        List<Tablespace> tablespaces,
        String compression,
        long dataSize,
        long storedSize,
        List<Part> parts,
        List<FileEntry> files) {

    /**
     * One stored part: a tar stream, compressed and maybe encrypted.
     *
     * @param key the key relative to the backup's prefix, e.g. {@code part_0001.tar.lz4}
     * @param storedSize bytes stored
     * @param sha256 hex SHA-256 of the stored bytes
     * @param dataSize bytes of the tar stream before compression
     * @param fileCount files in the part
     */
    public record Part(String key, long storedSize, String sha256, long dataSize, int fileCount) {
    }

    /**
     * One file or directory.
     *
     * @param path the path relative to the data directory ({@code /}-separated)
     * @param type {@code file} or {@code dir}
     * @param size bytes stored for a file
     * @param mode POSIX permission bits
     * @param mtime modification time, ISO 8601
     * @param part the part holding the file's bytes
     */
    public record FileEntry(String path, String type, long size, int mode, String mtime, String part) {
        /** @return whether this entry is a directory */
        public boolean isDirectory() {
            return "dir".equals(type);
        }
    }

    /**
     * A tablespace: {@code pg_tblspc/<oid>} linked to {@code location}.
     *
     * @param oid the tablespace OID
     * @param location the directory it lived in
     */
    public record Tablespace(String oid, String location) {
    }

    /**
     * Checks that what was parsed is a manifest this version can use.
     *
     * @param key the manifest key, for messages
     * @return this manifest
     * @throws IntegrityException if a required field is missing or the format is unknown
     */
    public BackupManifest validate(String key) {
        if (formatVersion != RepositoryLayout.FORMAT_VERSION) {
            throw new IntegrityException("Manifest '" + key + "' has format version " + formatVersion
                    + "; this walkeeper reads version " + RepositoryLayout.FORMAT_VERSION + " (HINT: use a matching release)");
        }
        if (name == null || kind == null || startLsn == null || stopLsn == null || parts == null || files == null
                || backupLabel == null || systemIdentifier == null || finishTime == null) {
            throw new IntegrityException("Manifest '" + key + "' is incomplete: a required field is missing "
                    + "(HINT: the object was damaged; restore from another backup)");
        }
        for (Part p : parts) {
            if (p.key() == null || p.sha256() == null || p.key().contains("..") || p.key().contains("/")) {
                throw new IntegrityException("Manifest '" + key + "' lists an invalid part " + p.key());
            }
        }
        return this;
    }

    /**
     * Describes the backup for the public API.
     *
     * @return the backup info
     */
    public BackupInfo toInfo() {
        return new BackupInfo(name, BackupKind.valueOf(kind), parent, TimelineId.of(timeline), Lsn.parse(startLsn),
                Lsn.parse(stopLsn), startWalSegment, stopWalSegment, Instant.parse(startTime), Instant.parse(finishTime),
                pgVersionNum, Long.parseUnsignedLong(systemIdentifier), dataChecksums, walSegmentSize, permanent, labels,
                dataSize, storedSize, files.stream().filter(f -> !f.isDirectory()).count(), parts.size());
    }
}
