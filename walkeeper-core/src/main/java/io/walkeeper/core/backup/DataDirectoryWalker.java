package io.walkeeper.core.backup;

import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.core.repo.BackupManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Lists what a base backup copies, skipping exactly what PostgreSQL's own basebackup skips:
 * the contents of {@code pg_wal}, {@code pg_replslot} and the other runtime directories (the
 * directories themselves are kept), {@code postmaster.pid} and the other transient files,
 * {@code pgsql_tmp*}, temporary relations, and every fork but {@code _init} of unlogged
 * relations. Tablespaces linked from {@code pg_tblspc} are walked under {@code pg_tblspc/<oid>/}.
 */
public final class DataDirectoryWalker {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirectoryWalker.class);

    /** Directories kept empty in a backup. */
    static final Set<String> EXCLUDE_DIR_CONTENTS = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify",
            "pg_serial", "pg_snapshots", "pg_subtrans", "pg_stat_tmp");
    /**
     * Files never copied, at any depth: PostgreSQL's own list, the signal files (a backup of a
     * standby or of a recovering cluster would otherwise restore as a standby, or fail when the
     * restore writes its own), and the lock of an interrupted restore.
     */
    static final Set<String> EXCLUDE_FILES = Set.of("postmaster.pid", "postmaster.opts", "postgresql.auto.conf.tmp",
            "current_logfiles.tmp", "backup_label", "tablespace_map", "backup_manifest", "standby.signal",
            "recovery.signal", ".walkeeper-restore.lock");
    private static final Pattern TEMP_RELATION = Pattern.compile("t\\d+_\\d+(_(fsm|vm|init))?(\\.\\d+)?");
    private static final Pattern RELATION = Pattern.compile("(\\d+)(_(fsm|vm|init))?(\\.\\d+)?");
    private static final Pattern DB_DIR = Pattern.compile("(base/\\d+|pg_tblspc/\\d+/PG_[^/]+/\\d+)");

    private final Path dataDir;
    private final Set<String> extraExcludedDirs;
    private final int majorVersion;

    /**
     * Creates a walker.
     *
     * @param dataDir the data directory
     * @param majorVersion the server's major version (e.g. 15), to choose the tablespace directory
     * @param extraExcludedDirs more directories (relative) whose contents are skipped, e.g. a
     *     {@code stats_temp_directory} inside the data directory
     */
    public DataDirectoryWalker(Path dataDir, int majorVersion, Set<String> extraExcludedDirs) {
        this.dataDir = dataDir;
        this.majorVersion = majorVersion;
        this.extraExcludedDirs = Set.copyOf(extraExcludedDirs);
    }

    /**
     * What the walk found.
     *
     * @param entries files and directories, {@code global/pg_control} excluded
     * @param pgControl the {@code global/pg_control} file
     * @param tablespaces tablespaces found in {@code pg_tblspc}
     */
    public record Result(List<SourceFile> entries, SourceFile pgControl, List<BackupManifest.Tablespace> tablespaces) {
    }

    /**
     * Walks the data directory.
     *
     * @return what to back up
     * @throws IOException if the directory cannot be read
     */
    public Result walk() throws IOException {
        List<SourceFile> out = new ArrayList<>();
        List<BackupManifest.Tablespace> tablespaces = new ArrayList<>();
        walkDir(dataDir, "", out, tablespaces);
        SourceFile control = null;
        List<SourceFile> rest = new ArrayList<>(out.size());
        for (SourceFile f : out) {
            if (f.archivePath().equals("global/pg_control")) {
                control = f;
            } else {
                rest.add(f);
            }
        }
        if (control == null) {
            throw new InvalidRequestException(dataDir + " has no global/pg_control: it is not a PostgreSQL data directory");
        }
        return new Result(rest, control, tablespaces);
    }

    private void walkDir(Path dir, String rel, List<SourceFile> out, List<BackupManifest.Tablespace> tablespaces)
            throws IOException {
        TreeMap<String, Path> children = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                children.put(p.getFileName().toString(), p);
            }
        } catch (NoSuchFileException vanished) {
            return;
        }
        boolean dbDir = DB_DIR.matcher(rel).matches();
        Set<String> unlogged = dbDir ? unloggedRelations(children.keySet()) : Set.of();
        for (var e : children.entrySet()) {
            String name = e.getKey();
            Path p = e.getValue();
            String childRel = rel.isEmpty() ? name : rel + "/" + name;
            if (EXCLUDE_FILES.contains(name) || name.startsWith("pg_internal.init") || name.startsWith("pgsql_tmp")) {
                continue;
            }
            if (dbDir && (TEMP_RELATION.matcher(name).matches() || isUnloggedNonInit(name, unlogged))) {
                continue;
            }
            PosixFileAttributes attrs;
            try {
                attrs = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException vanished) {
                continue;
            }
            if (attrs.isSymbolicLink()) {
                if (rel.equals("pg_tblspc") && name.matches("\\d+")) {
                    Path target = Files.readSymbolicLink(p);
                    Path location = p.getParent().resolve(target).normalize();
                    tablespaces.add(new BackupManifest.Tablespace(name, location.toString()));
                    PosixFileAttributes targetAttrs = Files.readAttributes(location, PosixFileAttributes.class);
                    out.add(dir(childRel, targetAttrs));
                    walkTablespace(location, childRel, out, tablespaces);
                } else if (rel.isEmpty() && EXCLUDE_DIR_CONTENTS.contains(name) && Files.isDirectory(p)) {
                    out.add(dir(childRel, Files.readAttributes(p, PosixFileAttributes.class)));
                } else {
                    LOG.warn("Skipping symbolic link {} in the data directory (only pg_wal and pg_tblspc/<oid> links are backed up)", childRel);
                }
                continue;
            }
            if (attrs.isDirectory()) {
                out.add(dir(childRel, attrs));
                if ((rel.isEmpty() && EXCLUDE_DIR_CONTENTS.contains(name)) || extraExcludedDirs.contains(childRel)) {
                    continue;
                }
                walkDir(p, childRel, out, tablespaces);
            } else if (attrs.isRegularFile()) {
                out.add(new SourceFile(childRel, dataDir, attrs.size(), mode(attrs), attrs.lastModifiedTime().toInstant(), false));
            } else {
                LOG.warn("Skipping {}: not a regular file or directory", childRel);
            }
        }
    }

    private void walkTablespace(Path location, String rel, List<SourceFile> out, List<BackupManifest.Tablespace> ts)
            throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(location, "PG_" + majorVersion + "_*")) {
            List<Path> versionDirs = new ArrayList<>();
            ds.forEach(versionDirs::add);
            versionDirs.sort(null);
            for (Path v : versionDirs) {
                String childRel = rel + "/" + v.getFileName();
                if (Files.isDirectory(v, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(dir(childRel, Files.readAttributes(v, PosixFileAttributes.class)));
                    walkDir(v, childRel, out, ts);
                }
            }
        }
    }

    private SourceFile dir(String rel, PosixFileAttributes a) {
        return new SourceFile(rel, dataDir, 0, mode(a), a.lastModifiedTime().toInstant(), true);
    }

    private static Set<String> unloggedRelations(Set<String> names) {
        Set<String> out = new HashSet<>();
        for (String n : names) {
            if (n.endsWith("_init")) {
                out.add(n.substring(0, n.length() - "_init".length()));
            }
        }
        return out;
    }

    private static boolean isUnloggedNonInit(String name, Set<String> unlogged) {
        if (unlogged.isEmpty()) {
            return false;
        }
        var m = RELATION.matcher(name);
        return m.matches() && unlogged.contains(m.group(1)) && !"_init".equals(m.group(2));
    }

    static int mode(PosixFileAttributes a) {
        int m = 0;
        for (PosixFilePermission p : a.permissions()) {
            m |= switch (p) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return m;
    }
}
