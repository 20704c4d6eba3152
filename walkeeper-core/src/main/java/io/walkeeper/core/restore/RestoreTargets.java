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
import java.util.regex.Pattern;

/**
 * Where a restore writes: the data directory and one directory per tablespace (its original
 * location, or the one the request maps it to). The manifest is not trusted: tablespace OIDs must
 * be decimal numbers, locations absolute and normalised paths that do not overlap the data
 * directory or each other, and the {@code tablespace_map} PostgreSQL returned may name only
 * listed tablespaces (the one written is generated from the validated values). Every path inside
 * the backup is resolved here and must land inside one of the targets.
 */
final class RestoreTargets {
    private static final Pattern OID = Pattern.compile("[1-9][0-9]{0,9}");
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
        Path data = request.targetDirectory().toAbsolutePath().normalize();
        Map<String, Path> out = new LinkedHashMap<>();
        List<BackupManifest.Tablespace> list = manifest.tablespaces() == null ? List.of() : manifest.tablespaces();
        for (BackupManifest.Tablespace ts : list) {
            String oid = ts.oid();
            if (oid == null || !OID.matcher(oid).matches()) {
                throw altered(manifest, "lists a tablespace with OID '" + printable(oid) + "', which is not a decimal OID");
            }
            if (out.containsKey(oid)) {
                throw altered(manifest, "lists tablespace " + oid + " twice");
            }
            Path mapped = request.tablespaceMapping().get(oid);
            Path location = mapped != null ? mapped.toAbsolutePath().normalize() : location(manifest, oid, ts.location());
            if (location.startsWith(data) || data.startsWith(location)) {
                throw new IntegrityException("Cannot restore " + manifest.name() + ": tablespace " + oid + " would go to "
                        + location + ", which overlaps the target directory " + data + " (HINT: give it another directory "
                        + "with RestoreRequest.withTablespace(\"" + oid + "\", dir), or --tablespace-mapping " + oid + "=DIR); "
                        + "nothing was changed");
            }
            for (var other : out.entrySet()) {
                if (location.startsWith(other.getValue()) || other.getValue().startsWith(location)) {
                    throw new IntegrityException("Cannot restore " + manifest.name() + ": tablespaces " + other.getKey()
                            + " and " + oid + " would share " + location + "; nothing was changed");
                }
            }
            out.put(oid, location);
        }
        for (String oid : request.tablespaceMapping().keySet()) {
            if (!out.containsKey(oid)) {
                throw new InvalidRequestException("Backup " + manifest.name() + " has no tablespace " + oid + " to remap "
                        + "(it has " + out.keySet() + ")");
            }
        }
        String map = manifest.tablespaceMap() == null ? "" : manifest.tablespaceMap();
        for (String line : map.split("\n")) {
            String oid = line.contains(" ") ? line.substring(0, line.indexOf(' ')) : line.strip();
            if (!oid.isEmpty() && !out.containsKey(oid)) {
                throw altered(manifest, "holds a tablespace_map naming tablespace '" + printable(oid) + "', which its list "
                        + "of tablespaces does not have");
            }
        }
        return new RestoreTargets(data, out);
    }

    /** A tablespace location from the manifest: absolute, normalised, printable, and not the root. */
    private static Path location(BackupManifest manifest, String oid, String text) {
        if (text == null || !text.startsWith("/") || text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw altered(manifest, "gives tablespace " + oid + " the location '" + printable(text)
                    + "', which is not an absolute path");
        }
        Path p = Path.of(text);
        if (p.getNameCount() == 0 || !p.normalize().toString().equals(text)) {
            throw altered(manifest, "gives tablespace " + oid + " the location '" + printable(text)
                    + "', which is not a normalised directory path");
        }
        return p;
    }

    private static IntegrityException altered(BackupManifest manifest, String what) {
        return new IntegrityException("Cannot restore " + manifest.name() + ": its manifest " + what + "; PostgreSQL never "
                + "writes such a manifest, so it was altered (HINT: restore another backup, and find out who can write to "
                + "the repository); nothing was changed");
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(200).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
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
     * The {@code tablespace_map} to write: one line per tablespace with the directory it was
     * restored to, generated from the validated locations (never the manifest's text), with
     * backslash, newline and carriage return escaped as PostgreSQL reads them.
     *
     * @return the file's content, empty when the backup has no tablespace
     */
    String tablespaceMap() {
        StringBuilder sb = new StringBuilder();
        for (var e : tablespaces.entrySet()) {
            String escaped = e.getValue().toString().replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
            sb.append(e.getKey()).append(' ').append(escaped).append('\n');
        }
        return sb.toString();
    }
}
