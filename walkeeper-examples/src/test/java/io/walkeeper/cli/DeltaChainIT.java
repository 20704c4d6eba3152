package io.walkeeper.cli;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupStatistics;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Collectors;

import static io.walkeeper.cli.DeltaItSupport.assertIndexOnlyScanAgrees;
import static io.walkeeper.cli.DeltaItSupport.bySeqScan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chain of five delta backups through the CLI, each taken while pgbench writes, with schema
 * changes between them that create, drop, truncate, rewrite and shrink relation files and add a
 * database and an index. The newest delta is restored to the end of the WAL, and the second
 * delta to a restore point recorded between the second and the third: each restored cluster
 * must hold exactly the source's rows at its target, pass amcheck and pg_visibility's checks,
 * give the same answers by index-only scan (which trusts the visibility map) as by sequential
 * scan, and have no file of a relation that was dropped or rewritten before its backup. Parts
 * are 1 MiB, so every large file a backup stores whole is stored in chunks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeltaChainIT {
    private static final int MAX_STEPS = 5;
    private static final String ACCOUNTS_BY_AID = "SELECT count(*), sum(aid::bigint) FROM pgbench_accounts";
    private static final String ACCOUNTS_BY_ABALANCE = "SELECT count(*), sum(abalance::bigint) FROM pgbench_accounts";

    private CliWorkspace ws;
    private Path work;
    private Path repo;
    private Path config;
    private CliHarness cli;
    private PostgresCluster source;
    private Path binDir;
    /** The full backup, then the deltas, in the order taken. */
    private final List<String> chain = new ArrayList<>();
    private String sixth;

    private SortedMap<String, String> midFingerprints;
    private SortedMap<String, String> finalFingerprints;
    /** database -> query -> answer, at the restore point and at the end. */
    private final Map<String, Map<String, String>> midAnswers = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> finalAnswers = new LinkedHashMap<>();
    /** Files of relations dropped, truncated or rewritten before the second and the third delta. */
    private final List<String> goneBeforeDelta2 = new ArrayList<>();
    private final List<String> goneBeforeDelta3 = new ArrayList<>();
    private long shrunkSize;
    private long shrinkFrom;

    @BeforeAll
    void buildTheChain() throws Exception {
        ws = new CliWorkspace("walkeeper-delta-chain-it", Map.of("WALKEEPER_COMPRESSION", "lz4"));
        work = ws.work();
        cli = ws.cli();
        repo = ws.repo();
        config = ws.config();

        source = ws.startSource("source");
        binDir = source.binDir();
        source.pgbenchInit(5);
        for (String t : List.of("t_keep", "t_drop", "t_trunc", "t_vacfull", "t_shrink")) {
            source.execute("CREATE TABLE " + t + "(id int PRIMARY KEY, v text)");
        }
        source.execute("INSERT INTO t_keep SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
        source.execute("INSERT INTO t_drop SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
        source.execute("INSERT INTO t_trunc SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
        source.execute("INSERT INTO t_vacfull SELECT g, md5(g::text) FROM generate_series(1, 50000) g");
        source.execute("INSERT INTO t_shrink SELECT g, md5(g::text) FROM generate_series(1, 100000) g");
        // vacuum what was just loaded, here and after each load below: an autovacuum of a freshly loaded table
        // rewrites every page of it (hint and visibility bits), at a moment no test can foresee
        source.execute("VACUUM");

        // parts of 1 MiB: pgbench_accounts and every relation file over 1 MiB that a backup stores whole are
        // stored in chunks, so the chain restores deltas over chunked files
        ws.pointAt(source).env("WALKEEPER_DELTA_MAX_STEPS", Integer.toString(MAX_STEPS))
                .env("WALKEEPER_PART_SIZE", "1048576");
        // the first backup of the repository: full, as there is nothing to take a delta of
        chain.add(DeltaItSupport.pushUnderLoad(cli, config, source));
        assertTrue(Files.readString(repo.resolve("backups/" + chain.get(0) + ".json")).contains("\"chunks\""),
                "the full backup stores pgbench_accounts in chunks");

        // 1: a new table with data
        source.execute("CREATE TABLE t_new(id int PRIMARY KEY, v text, n numeric)");
        source.execute("INSERT INTO t_new SELECT g, md5(g::text), g * 1.5 FROM generate_series(1, 30000) g");
        source.execute("VACUUM t_new");
        chain.add(DeltaItSupport.pushUnderLoad(cli, config, source));

        // 2: drop, truncate (a new relation file) and a new database with a table and an index
        goneBeforeDelta2.add(relationPath("postgres", "t_drop"));
        goneBeforeDelta2.add(relationPath("postgres", "t_trunc"));
        source.execute("DROP TABLE t_drop");
        source.execute("TRUNCATE t_trunc");
        source.execute("INSERT INTO t_trunc SELECT g, 'after truncate ' || g FROM generate_series(1, 5000) g");
        source.execute("VACUUM t_trunc");
        source.execute("CREATE DATABASE otherdb");
        source.execute("otherdb", "CREATE TABLE things(id int PRIMARY KEY, name text NOT NULL)");
        source.execute("otherdb", "INSERT INTO things SELECT g, 'thing ' || g FROM generate_series(1, 20000) g");
        source.execute("otherdb", "CREATE INDEX things_name ON things(name)");
        source.execute("otherdb", "VACUUM things");
        chain.add(DeltaItSupport.pushUnderLoad(cli, config, source));

        // between the second and the third delta, with nothing writing: what a restore to 'mid_chain' must show
        midFingerprints = source.fingerprint();
        recordAnswers(midAnswers, false);
        source.execute("SELECT pg_create_restore_point('mid_chain')");

        // 3: VACUUM FULL writes the table into a new file
        goneBeforeDelta3.add(relationPath("postgres", "t_vacfull"));
        source.execute("DELETE FROM t_vacfull WHERE id % 3 = 0");
        source.execute("VACUUM FULL t_vacfull");
        source.execute("VACUUM t_vacfull");
        source.execute("otherdb", "UPDATE things SET name = name || ' changed' WHERE id % 10 = 0");
        chain.add(DeltaItSupport.pushUnderLoad(cli, config, source));

        // 4: an index on the large table, and a vacuum that sets its visibility map
        source.execute("CREATE INDEX accounts_abalance ON pgbench_accounts(abalance, aid)");
        source.execute("VACUUM pgbench_accounts");
        chain.add(DeltaItSupport.pushUnderLoad(cli, config, source));

        // 5: a table whose file shrinks: most rows deleted, and vacuum truncates the empty end
        shrinkFrom = source.queryLong("SELECT pg_relation_size('t_shrink')");
        source.execute("DELETE FROM t_shrink WHERE id > 5000");
        source.execute("VACUUM t_shrink");
        shrunkSize = source.queryLong("SELECT pg_relation_size('t_shrink')");
        // vacuum gives up truncating when it cannot get its lock at once (autovacuum, or the
        // snapshot of a session still ending): try again a few times, as a DBA would
        for (int attempt = 0; attempt < 20 && shrunkSize >= shrinkFrom / 4; attempt++) {
            Thread.sleep(500);
            source.execute("VACUUM t_shrink");
            shrunkSize = source.queryLong("SELECT pg_relation_size('t_shrink')");
        }
        assertTrue(shrunkSize < shrinkFrom / 4, "vacuum truncated t_shrink from " + shrinkFrom + " to " + shrunkSize);
        chain.add(DeltaItSupport.pushUnderLoad(cli, config, source));

        // the final state, all of its WAL archived
        finalFingerprints = source.fingerprint();
        recordAnswers(finalAnswers, true);
        String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
        ArchiveBackupPitrIT.awaitArchived(repo, last);

        // a sixth automatic backup would make the chain six steps long: it must be full
        sixth = DeltaItSupport.push(cli, config, source);

        Path sourceData = source.dataDir();
        source.stop();
        ArchiveBackupPitrIT.deleteTree(sourceData);
    }

    private String relationPath(String db, String table) {
        return source.queryString(db, "SELECT pg_relation_filepath('" + table + "')");
    }

    private void recordAnswers(Map<String, Map<String, String>> answers, boolean atEnd) {
        Map<String, String> postgres = new LinkedHashMap<>();
        for (String q : queries(atEnd)) {
            postgres.put(q, bySeqScan(source, "postgres", q));
        }
        answers.put("postgres", postgres);
        String things = "SELECT count(*), sum(id::bigint) FROM things";
        answers.put("otherdb", Map.of(things, bySeqScan(source, "otherdb", things)));
    }

    private static List<String> queries(boolean atEnd) {
        List<String> q = new ArrayList<>(List.of(ACCOUNTS_BY_AID, "SELECT count(*), sum(id::bigint) FROM t_new",
                "SELECT count(*), sum(id::bigint) FROM t_trunc", "SELECT count(*), sum(id::bigint) FROM t_keep"));
        if (atEnd) {
            q.addAll(List.of(ACCOUNTS_BY_ABALANCE, "SELECT count(*), sum(id::bigint) FROM t_vacfull",
                    "SELECT count(*), sum(id::bigint) FROM t_shrink"));
        }
        return q;
    }

    @AfterAll
    void cleanUp() throws IOException {
        if (ws != null) {
            ws.close();
        }
    }

    @Test
    void eachDeltaIsTakenAgainstThePreviousBackupUpToTheMaximumChainLength() {
        List<BackupInfo> listed = DeltaItSupport.list(repo);
        List<String> names = listed.stream().map(BackupInfo::name).toList();
        List<String> expected = new ArrayList<>(chain);
        expected.add(sixth);
        assertEquals(expected, names, "the repository lists the backups in the order taken");
        Map<String, BackupInfo> byName = listed.stream().collect(Collectors.toMap(BackupInfo::name, b -> b));

        BackupInfo full = byName.get(chain.get(0));
        assertEquals(BackupKind.FULL, full.kind(), full.toString());
        assertNull(full.parentName(), full.toString());
        assertFalse(full.name().contains("_D_"), full.name());
        assertEquals(MAX_STEPS + 1, chain.size());
        for (int i = 1; i < chain.size(); i++) {
            BackupInfo delta = byName.get(chain.get(i));
            BackupInfo parent = byName.get(chain.get(i - 1));
            assertEquals(BackupKind.DELTA, delta.kind(), "backup " + i + " is a delta: " + delta);
            assertTrue(delta.name().contains("_D_"), delta.name());
            assertEquals(parent.name(), delta.parentName(), "delta " + i + " is taken against the previous backup");
            assertEquals(parent.startWalSegment(), delta.name().substring(delta.name().indexOf("_D_") + 3),
                    "a delta's name ends with its parent's start segment: " + delta.name());
            assertEquals("base_" + delta.startWalSegment(), delta.name().substring(0, delta.name().indexOf("_D_")));
            assertTrue(delta.startLsn().compareTo(parent.stopLsn()) > 0, delta + " starts after " + parent);
        }
        BackupInfo six = byName.get(sixth);
        assertEquals(BackupKind.FULL, six.kind(), "after " + MAX_STEPS + " deltas the next automatic backup is full: " + six);
        assertNull(six.parentName(), six.toString());
        assertEquals("base_" + six.startWalSegment(), six.name());
    }

    @Test
    void deltasStoreFarLessThanTheFullBackup() {
        Map<String, BackupInfo> byName = DeltaItSupport.list(repo).stream()
                .collect(Collectors.toMap(BackupInfo::name, b -> b));
        BackupStatistics full = byName.get(chain.get(0)).statistics();
        assertTrue(full.bytesStored() > 0 && full.filesStoredWhole() > 0 && full.bytesRead() > 0, full.toString());
        assertEquals(0, full.filesStoredAsDelta(), "a full backup stores every file whole: " + full);
        assertEquals(0, full.filesSkippedUnchanged(), "a full backup skips no file: " + full);
        StringBuilder report = new StringBuilder("full " + full);
        for (int i = 1; i < chain.size(); i++) {
            BackupStatistics delta = byName.get(chain.get(i)).statistics();
            report.append("\ndelta ").append(i).append(' ').append(delta);
        }
        System.out.println("delta-chain statistics:\n" + report);
        for (int i = 1; i < chain.size(); i++) {
            BackupStatistics delta = byName.get(chain.get(i)).statistics();
            String what = "delta " + i + " " + delta + "\n" + report;
            assertTrue(delta.bytesStored() > 0, what);
            assertTrue(delta.bytesStored() < full.bytesStored(), "a delta stores less than the full backup: " + what);
            if (i != 4) {
                // delta 4 holds a new index on pgbench_accounts and the pages a vacuum of it changed
                assertTrue(delta.bytesStored() < full.bytesStored() / 2, "a delta stores under half the full backup: " + what);
            }
            assertTrue(delta.filesSkippedUnchanged() > 0, "a delta skips unchanged files: " + what);
            assertTrue(delta.filesStoredAsDelta() > 0, "pgbench's writes make some files deltas: " + what);
            assertTrue(delta.pagesStored() > 0 && delta.pagesStored() < delta.pagesScanned(),
                    "a delta stores some, not all, of the pages it scans: " + what);
        }
    }

    @Test
    void theNewestDeltaRestoresToTheEndOfTheWal() throws Exception {
        Path dest = DeltaItSupport.fetch(cli, config, work.resolve("restore-latest"), chain.get(chain.size() - 1));
        List<String> gone = new ArrayList<>(goneBeforeDelta2);
        gone.addAll(goneBeforeDelta3);
        assertNoFilesOf(dest, gone);
        try (PostgresCluster restored = PostgresCluster.existing(dest, binDir, 0)) {
            restored.start();
            ArchiveBackupPitrIT.awaitRecoveryEnd(restored);
            assertEquals(finalFingerprints, restored.fingerprint(), "every table of every database at the end");
            assertEquals(shrunkSize, restored.queryLong("SELECT pg_relation_size('t_shrink')"),
                    "t_shrink keeps the length vacuum truncated it to (it was " + shrinkFrom + " bytes)");
            Path shrinkFile = dest.resolve(restored.queryString("SELECT pg_relation_filepath('t_shrink')"));
            assertEquals(shrunkSize, Files.size(shrinkFile), shrinkFile.toString());
            checkIndexOnlyScans(restored, finalAnswers);
            DeltaItSupport.assertVisibilityMapsHold(restored);
            DeltaItSupport.amcheck(restored);
        }
    }

    @Test
    void aMidChainDeltaRecoversToARestorePoint() throws Exception {
        Path dest = DeltaItSupport.fetch(cli, config, work.resolve("restore-mid"), chain.get(2),
                "--recovery-target-name", "mid_chain");
        assertNoFilesOf(dest, goneBeforeDelta2);
        try (PostgresCluster restored = PostgresCluster.existing(dest, binDir, 0)) {
            restored.start();
            ArchiveBackupPitrIT.awaitRecoveryEnd(restored);
            assertEquals(midFingerprints, restored.fingerprint(), "every table of every database at 'mid_chain'");
            assertEquals(0, restored.queryLong("SELECT count(*) FROM pg_class WHERE relname IN ('accounts_abalance')"),
                    "the index created after the restore point is not there");
            checkIndexOnlyScans(restored, midAnswers);
            DeltaItSupport.assertVisibilityMapsHold(restored);
            DeltaItSupport.amcheck(restored);
        }
    }

    private static void checkIndexOnlyScans(PostgresCluster restored, Map<String, Map<String, String>> answers) {
        answers.forEach((db, byQuery) -> byQuery.forEach((q, expected) -> assertIndexOnlyScanAgrees(restored, db, q, expected)));
    }

    /** A relation dropped or rewritten before the backup was taken must leave no file in the restore. */
    private static void assertNoFilesOf(Path dest, List<String> relationPaths) {
        for (String rel : relationPaths) {
            for (String suffix : List.of("", "_fsm", "_vm", ".1")) {
                assertFalse(Files.exists(dest.resolve(rel + suffix)), "the restore holds " + rel + suffix
                        + ", a file of a relation dropped or rewritten before the backup");
            }
        }
    }
}
