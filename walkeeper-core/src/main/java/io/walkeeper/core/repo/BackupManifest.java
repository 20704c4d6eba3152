package io.walkeeper.core.repo;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupStatistics;
import io.walkeeper.api.CorruptPage;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The manifest of one backup, {@code backups/<name>.json}: written last, it is what makes a
 * backup exist. It records everything a restore needs and every part's SHA-256. Built with
 * {@link #builder()} (the canonical constructor is what the JSON mapper reads with); read and
 * written by {@link Json#MAPPER}, which maps the typed values to the text the format has always
 * held (LSNs as {@code %X/%X}, times as ISO 8601 UTC).
 *
 * @param formatVersion the repository format
 * @param name the backup name
 * @param kind full or delta
 * @param parent the parent backup of a delta
 * @param timeline the start timeline
 * @param startLsn the start LSN
 * @param stopLsn the stop LSN
 * @param startWalSegment the segment holding the start LSN
 * @param stopWalSegment the last segment recovery needs
 * @param startTime when the backup started
 * @param finishTime when the manifest was written
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
 * @param statistics what the backup read and stored
 * @param corruptPages pages whose checksum failed while the backup read them
 */
public record BackupManifest(
        int formatVersion,
        String name,
        BackupKind kind,
        String parent,
        TimelineId timeline,
        Lsn startLsn,
        Lsn stopLsn,
        String startWalSegment,
        String stopWalSegment,
        Instant startTime,
        Instant finishTime,
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
        List<FileEntry> files,
        BackupStatistics statistics,
        List<CorruptPage> corruptPages) {

    /**
     * @return this manifest with an empty file list: what a catalogue entry holds; never restore
     *     from it
     */
    public BackupManifest withoutFiles() {
        return new BackupManifest(formatVersion, name, kind, parent, timeline, startLsn, stopLsn, startWalSegment,
                stopWalSegment, startTime, finishTime, pgVersionNum, systemIdentifier, dataChecksums, walSegmentSize,
                blockSize, permanent, labels, backupLabel, tablespaceMap, tablespaces, compression, dataSize, storedSize,
                parts, List.of(), statistics, corruptPages);
    }

    /**
     * Files smaller than this that are stored whole record their content's SHA-256, and a delta
     * stores them again unless their content is unchanged: size and modification time can stay
     * the same across a change ({@code cp -p}, {@code rsync -a}, a clock stepped back).
     */
    public static final long HASHED_BELOW = 1 << 20;

    /**
     * Starts a manifest of the current format version.
     *
     * @return a builder with every other field unset
     */
    public static BackupManifestBuilder builder() {
        return new BackupManifestBuilder();
    }

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
        if (formatVersion != RepositoryLayout.FORMAT_VERSION && formatVersion != RepositoryLayout.CHUNKED_FORMAT_VERSION) {
            throw new IntegrityException("Manifest '" + key + "' has format version " + formatVersion
                    + "; this walkeeper reads versions " + RepositoryLayout.FORMAT_VERSION + " and "
                    + RepositoryLayout.CHUNKED_FORMAT_VERSION + " (HINT: use a matching release)");
        }
        if (name == null || kind == null || timeline == null || startLsn == null || stopLsn == null || parts == null
                || files == null || backupLabel == null || systemIdentifier == null || startTime == null
                || finishTime == null) {
            throw new IntegrityException("Manifest '" + key + "' is incomplete: a required field is missing "
                    + "(HINT: the object was damaged; restore from another backup)");
        }
        if (kind == BackupKind.DELTA && (parent == null || parent.isBlank())) {
            throw new IntegrityException("Manifest '" + key + "' is a delta backup without a parent");
        }
        java.util.Set<String> partKeys = new java.util.HashSet<>();
        for (Part p : parts) {
            if (p == null || p.key() == null || p.sha256() == null || p.key().contains("..") || p.key().contains("/")
                    || p.key().contains("\\") || p.key().isEmpty() || p.storedSize() < 0 || !partKeys.add(p.key())) {
                throw new IntegrityException("Manifest '" + key + "' lists an invalid part " + (p == null ? null : p.key()));
            }
        }
        java.util.Set<String> paths = new java.util.HashSet<>();
        for (FileEntry f : files) {
            String problem = f == null ? "a null entry" : problemWith(f, partKeys, formatVersion);
            if (problem == null && !paths.add(f.path())) {
                problem = "'" + f.path() + "' twice";
            }
            if (problem != null) {
                throw new IntegrityException("Manifest '" + key + "' lists " + problem + " (HINT: the manifest was damaged or "
                        + "altered; restore another backup)");
            }
        }
        if (tablespaces != null) {
            for (Tablespace t : tablespaces) {
                if (t == null || t.oid() == null || !t.oid().matches("[1-9][0-9]{0,9}")) {
                    throw new IntegrityException("Manifest '" + key + "' lists a tablespace with an invalid OID");
                }
            }
        }
        return this;
    }

    /**
     * What is wrong with an entry, or {@code null}: a relative path of plain names, a type, a listed
     * part and chunks that cover the file (the parts are not checked when {@code partKeys} is
     * {@code null}).
     */
    static String problemWith(FileEntry f, java.util.Set<String> partKeys, int formatVersion) {
        String path = f.path();
        if (path == null || path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.length() > 4096
                || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "an invalid path";
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "the path '" + path + "', which is not a plain relative path";
            }
        }
        if (f.type() == null) {
            return "'" + path + "' of unknown type";
        }
        if (f.size() < 0 || f.entrySize() < 0) {
            return "'" + path + "' with a negative size";
        }
        if (f.type() == FileEntry.Type.FILE) {
            if (partKeys != null && f.storageKind() != FileEntry.Storage.UNCHANGED
                    && (f.part() == null || !partKeys.contains(f.part()))) {
                return "'" + path + "' in a part it does not list";
            }
            if (f.chunks() != null) {
                return formatVersion < RepositoryLayout.CHUNKED_FORMAT_VERSION
                        ? "'" + path + "' in chunks, which format version " + formatVersion + " cannot hold"
                        : problemWithChunks(f, partKeys);
            }
        }
        return null;
    }

    /**
     * What is wrong with the chunks of a file, or {@code null}: a whole file, pieces in distinct
     * listed parts that follow each other from offset 0 to the file's size, the first in the
     * entry's part.
     */
    private static String problemWithChunks(FileEntry f, java.util.Set<String> partKeys) {
        String path = f.path();
        if (f.storageKind() != FileEntry.Storage.WHOLE || f.chunks().isEmpty()) {
            return "'" + path + "' in chunks, which only a file stored whole can be";
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        long next = 0;
        for (FileEntry.Chunk c : f.chunks()) {
            if (c == null || c.part() == null || partKeys != null && !partKeys.contains(c.part()) || !seen.add(c.part())) {
                return "'" + path + "' with a chunk in a part it does not list, or twice in one part";
            }
            if (c.offset() != next || c.length() <= 0 || c.length() > f.size() - next) {
                return "'" + path + "' with a chunk at " + c.offset() + " of " + c.length() + " bytes where the file's "
                        + "bytes from " + next + " of " + f.size() + " were due";
            }
            next += c.length();
        }
        if (next != f.size() || !f.chunks().get(0).part().equals(f.part())) {
            return "'" + path + "' whose chunks do not cover its " + f.size() + " bytes from its part";
        }
        return null;
    }

    /**
     * Describes the backup for the public API.
     *
     * @return the backup info
     */
    public BackupInfo toInfo() {
        return toInfo(FileListSpill.regularFiles(files));
    }

    /**
     * Describes the backup for the public API with a file count counted elsewhere (a
     * {@link ManifestSummary} holds no file list).
     *
     * @param fileCount the regular files in the backup
     * @return the backup info
     */
    BackupInfo toInfo(long fileCount) {
        return new BackupInfo(name, kind, parent, timeline, startLsn, stopLsn, startWalSegment, stopWalSegment, startTime,
                finishTime, pgVersionNum, Long.parseUnsignedLong(systemIdentifier), dataChecksums, walSegmentSize, permanent,
                labels, dataSize, storedSize, fileCount, parts.size(), statistics, corruptPages);
    }
}
