package io.walkeeper.pgfixture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * Makes a streaming standby of a running cluster the way PostgreSQL's documentation describes a
 * base backup with the low-level API, so that it works with every major's server binaries (some
 * ship without {@code pg_basebackup}): a physical replication slot reserved first, a
 * non-exclusive backup started and stopped on one session, the data directory copied in between
 * (leaving out what a base backup leaves out), {@code backup_label} written, and then what
 * {@code pg_basebackup -R} writes: {@code standby.signal}, {@code primary_conninfo} and
 * {@code primary_slot_name} in {@code postgresql.auto.conf}. Tablespaces are not copied.
 */
final class StandbyCopy {
    private static final Set<String> EMPTIED = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial",
            "pg_snapshots", "pg_subtrans", "pg_stat_tmp");
    private static final Set<String> SKIPPED = Set.of("postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map");

    private StandbyCopy() {
    }

    static void copy(PostgresCluster primary, Path target, String slot) {
        int major = primary.majorVersion();
        try (Connection c = primary.connect(PostgresCluster.DEFAULT_DATABASE); Statement st = c.createStatement()) {
            st.execute("SELECT pg_create_physical_replication_slot('" + slot + "', true)");
            st.execute(major >= 15 ? "SELECT pg_backup_start('standby', true)" : "SELECT pg_start_backup('standby', true, false)");
            copyTree(primary.dataDir(), target);
            String stop = major >= 15 ? "SELECT labelfile FROM pg_backup_stop(false)"
                    : "SELECT labelfile FROM pg_stop_backup(false, false)";
            try (ResultSet rs = st.executeQuery(stop)) {
                rs.next();
                Files.writeString(target.resolve("backup_label"), rs.getString(1), StandardCharsets.UTF_8);
            }
            Files.createDirectories(target.resolve("pg_wal/archive_status"));
            Files.writeString(target.resolve("standby.signal"), "");
            Files.writeString(target.resolve("postgresql.auto.conf"), "primary_conninfo = 'host=127.0.0.1 port="
                    + primary.port() + " user=" + PostgresCluster.SUPERUSER + " application_name=standby'\n"
                    + "primary_slot_name = '" + slot + "'\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (SQLException e) {
            throw new ClusterException("Cannot take the standby's base backup from " + primary + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy " + primary.dataDir() + " to " + target, e);
        }
    }

    private static void copyTree(Path source, Path target) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path rel = source.relativize(dir);
                Files.createDirectories(target.resolve(rel.toString()));
                return rel.getNameCount() == 1 && EMPTIED.contains(rel.toString()) ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (SKIPPED.contains(name) || name.startsWith("pgsql_tmp") || name.startsWith("pg_internal.init")
                        || !attrs.isRegularFile()) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.copy(file, target.resolve(source.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                } catch (NoSuchFileException vanished) {
                    // a file removed while copied: WAL replay recreates what is needed
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }
        });
    }
}
