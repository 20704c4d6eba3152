package io.walkeeper.core.restore;

import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.core.repo.BackupManifest;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a restore writes: the data directory and one directory per tablespace (its original
 * location, or the one the request maps it to). Every path inside the backup is resolved here and
 * must land inside one of them.
 */
final class RestoreTargets {
    private final Path dataDirectory;
    private final Map<String, Path> tablespaces;

    private RestoreTargets(Path dataDirectory, Map<String, Path> tablespaces) {
        this.dataDirectory = dataDirectory;
        this.tablespaces = tablespaces;
    }

    /**
     * Works out the targets of a restore.
     *
     * @param manifest the backup restored
     * @param request the request, with its tablespace mapping
     * @return the targets
     * @throws InvalidRequestException if the request maps a tablespace the backup does not have
     */
    static RestoreTargets of(BackupManifest manifest, RestoreRequest request) {
        Map<String, Path> out = new LinkedHashMap<>();
        List<BackupManifest.Tablespace> list = manifest.tablespaces() == null ? List.of() : manifest.tablespaces();
        for (BackupManifest.Tablespace ts : list) {
            Path p = request.tablespaceMapping().getOrDefault(ts.oid(), Path.of(ts.location()));
            out.put(ts.oid(), p.toAbsolutePath().normalize());
        }
        for (String oid : request.tablespaceMapping().keySet()) {
            if (!out.containsKey(oid)) {
                throw new InvalidRequestException("Backup " + manifest.name() + " has no tablespace " + oid + " to remap "
                        + "(it has " + out.keySet() + ")");
            }
        }
        return new RestoreTargets(request.targetDirectory().toAbsolutePath().normalize(), out);
    }

    /** @return the data directory */
    Path dataDirectory() {
        return dataDirectory;
    }

    /** @return tablespace OID to the directory its contents go to */
    Map<String, Path> tablespaces() {
        return tablespaces;
    }

    /** @return the tablespace directories */
    Collection<Path> tablespaceDirectories() {
        return tablespaces.values();
    }

    /**
     * Maps a path inside the backup to where it is written.
     *
     * @param archivePath the path, relative to the data directory
     * @return the file to write
     * @throws IntegrityException if it would land outside the targets
     */
    Path resolve(String archivePath) {
        if (archivePath.startsWith("pg_tblspc/")) {
            String rest = archivePath.substring("pg_tblspc/".length());
            int slash = rest.indexOf('/');
            String oid = slash < 0 ? rest : rest.substring(0, slash);
            Path base = tablespaces.get(oid);
            if (base == null) {
                throw new IntegrityException("Backup holds '" + archivePath + "' for tablespace " + oid + ", which its manifest does not list");
            }
            return checkInside(base, slash < 0 ? base : base.resolve(rest.substring(slash + 1)), archivePath);
        }
        return checkInside(dataDirectory, dataDirectory.resolve(archivePath), archivePath);
    }

    private static Path checkInside(Path base, Path p, String archivePath) {
        Path n = p.normalize();
        if (!n.startsWith(base) || archivePath.contains("..")) {
            throw new IntegrityException("Backup entry '" + archivePath + "' points outside " + base + ": refusing to write it");
        }
        return n;
    }

    /**
     * The {@code tablespace_map} to write: PostgreSQL's own text when no tablespace is mapped
     * elsewhere, else one line per tablespace with its new location.
     *
     * @param manifest the backup restored
     * @return the file's content, empty for none
     */
    String tablespaceMap(BackupManifest manifest) {
        if (tablespaces.isEmpty()) {
            return manifest.tablespaceMap() == null ? "" : manifest.tablespaceMap();
        }
        StringBuilder sb = new StringBuilder();
        for (var e : tablespaces.entrySet()) {
            String escaped = e.getValue().toString().replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
            sb.append(e.getKey()).append(' ').append(escaped).append('\n');
        }
        return sb.toString();
    }
}
