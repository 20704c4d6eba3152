package io.walkeeper.core.backup;

import io.walkeeper.api.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataDirectoryWalkerTest {

    @TempDir
    Path dir;

    private void touch(String rel) throws IOException {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1, 2, 3});
    }

    @Test
    void skipsWhatBasebackupSkipsAndKeepsTheDirectories() throws IOException {
        for (String f : List.of("PG_VERSION", "global/pg_control", "global/1262", "postgresql.conf", "postgresql.auto.conf",
                "postmaster.pid", "postmaster.opts", "postgresql.auto.conf.tmp", "current_logfiles.tmp", "backup_label",
                "tablespace_map", "backup_manifest", "global/pg_internal.init", "base/1/pg_internal.init.123",
                "pg_wal/000000010000000000000001", "pg_wal/archive_status/000000010000000000000001.ready",
                "pg_replslot/slot/state", "pg_dynshmem/x", "pg_notify/0000", "pg_serial/0000", "pg_snapshots/s",
                "pg_subtrans/0000", "pg_stat_tmp/global.stat", "base/pgsql_tmp/pgsql_tmp123.0", "base/5/pgsql_tmp9",
                "base/5/16384", "base/5/16384.1", "base/5/16384_fsm", "base/5/16384_vm",
                "base/5/t3_16390", "base/5/t3_16390_fsm", "base/5/t12_7.1",
                "base/5/16400", "base/5/16400_fsm", "base/5/16400_init", "base/5/16400.2",
                "pg_xact/0000", "pg_multixact/offsets/0000", "log/postgresql.log", "stats/x", "standby.signal",
                "recovery.signal", ".walkeeper-restore.lock")) {
            touch(f);
        }
        DataDirectoryWalker.Result r = new DataDirectoryWalker(dir, 14, Set.of("stats")).walk();
        Set<String> files = r.entries().stream().filter(e -> !e.directory()).map(SourceFile::archivePath).collect(Collectors.toSet());
        Set<String> dirs = r.entries().stream().filter(SourceFile::directory).map(SourceFile::archivePath).collect(Collectors.toSet());
        assertEquals(Set.of("PG_VERSION", "global/1262", "postgresql.conf", "postgresql.auto.conf", "base/5/16384",
                "base/5/16384.1", "base/5/16384_fsm", "base/5/16384_vm", "base/5/16400_init", "pg_xact/0000",
                "pg_multixact/offsets/0000", "log/postgresql.log"), files);
        assertEquals("global/pg_control", r.pgControl().archivePath());
        assertTrue(dirs.containsAll(Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots",
                "pg_subtrans", "pg_stat_tmp", "global", "base", "base/5", "stats")), dirs.toString());
        assertTrue(dirs.stream().noneMatch(d -> d.startsWith("pg_wal/") || d.startsWith("pg_replslot/") || d.contains("pgsql_tmp")),
                dirs.toString());
    }

    @Test
    void followsTablespaceLinksIntoTheirVersionDirectory() throws IOException {
        touch("PG_VERSION");
        touch("global/pg_control");
        Path ts = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-ts"));
        Files.createDirectories(ts.resolve("PG_15_202209061/5"));
        Files.write(ts.resolve("PG_15_202209061/5/16500"), new byte[8192]);
        Files.createDirectories(ts.resolve("PG_14_202107181/5"));
        Files.write(ts.resolve("PG_14_202107181/5/1"), new byte[1]);
        Files.createDirectories(dir.resolve("pg_tblspc"));
        Files.createSymbolicLink(dir.resolve("pg_tblspc/16499"), ts);
        DataDirectoryWalker.Result r = new DataDirectoryWalker(dir, 15, Set.of()).walk();
        Set<String> files = r.entries().stream().filter(e -> !e.directory()).map(SourceFile::archivePath).collect(Collectors.toSet());
        assertEquals(Set.of("PG_VERSION", "pg_tblspc/16499/PG_15_202209061/5/16500"), files);
        assertEquals(1, r.tablespaces().size());
        assertEquals("16499", r.tablespaces().get(0).oid());
        assertEquals(ts.toString(), r.tablespaces().get(0).location());
    }

    @Test
    void refusesADirectoryWithoutPgControl() throws IOException {
        touch("PG_VERSION");
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> new DataDirectoryWalker(dir, 15, Set.of()).walk());
        assertTrue(e.getMessage().contains("pg_control"), e.getMessage());
    }
}
