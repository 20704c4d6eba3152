package io.walkeeper.cli;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupStatistics;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deltas on PostgreSQL 17 with {@code summarize_wal = on}: they read only the blocks the WAL
 * summaries name (about 2 % of pgbench_accounts changed here), a truncated table and a delta
 * taken under pgbench load included, and the chain full, delta, delta recovers to a restore
 * point with the data the source held there.
 */
class WalSummaryDeltaIT {
    @Test
    void deltasReadOnlyTheBlocksTheWalSummariesNameAndTheChainRecovers() throws Exception {
        try (CliWorkspace ws = new CliWorkspace("walkeeper-summary-it",
                Map.of("WALKEEPER_COMPRESSION", "lz4", "WALKEEPER_DELTA_MAX_STEPS", "3"))) {
            Path bin = TestBinaries.forMajor(17);
            Path repo = ws.repo();
            Path config = ws.config();
            CliHarness cli = ws.cli();
            PostgresCluster source = ws.startSource(PostgresCluster.builder().binDir(bin).setting("summarize_wal", "on"),
                    "source");
            source.pgbenchInit(10);
            source.execute("CREATE TABLE shrinking AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 20000) g");
            source.execute("CREATE TABLE marks(id int PRIMARY KEY)");
            ws.pointAt(source);
            String full = DeltaItSupport.push(cli, config, source);

            // about 2 % of pgbench_accounts' pages, and a table vacuum truncates (a limit block in the summaries)
            source.execute("UPDATE pgbench_accounts SET abalance = abalance + 7 WHERE aid <= 20000");
            source.execute("DELETE FROM shrinking WHERE id > 5000");
            source.execute("VACUUM shrinking");
            source.execute("INSERT INTO marks SELECT generate_series(1, 100)");
            String first = DeltaItSupport.push(cli, config, source);
            String second = DeltaItSupport.pushUnderLoad(cli, config, source);
            assertTrue(first.contains("_D_") && second.contains("_D_"), first + ", " + second);

            source.execute("INSERT INTO marks SELECT generate_series(101, 200)");
            source.execute("SELECT pg_create_restore_point('summaries')");
            SortedMap<String, String> expected = source.fingerprint();
            source.execute("INSERT INTO marks SELECT generate_series(201, 300)");
            String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            ArchiveBackupPitrIT.awaitArchived(repo, last);

            Map<String, BackupInfo> byName = DeltaItSupport.list(repo).stream()
                    .collect(Collectors.toMap(BackupInfo::name, b -> b));
            BackupStatistics f = byName.get(full).statistics();
            BackupStatistics d1 = byName.get(first).statistics();
            BackupStatistics d2 = byName.get(second).statistics();
            System.out.printf("wal-summary deltas: full read %d bytes, %d pages; first delta read %d bytes (%.1f %%), "
                            + "%d pages, stored %d pages; second (under load) read %d bytes (%.1f %%), %d pages%n",
                    f.bytesRead(), f.pagesScanned(), d1.bytesRead(), 100.0 * d1.bytesRead() / f.bytesRead(),
                    d1.pagesScanned(), d1.pagesStored(), d2.bytesRead(), 100.0 * d2.bytesRead() / f.bytesRead(),
                    d2.pagesScanned());
            assertTrue(d1.pagesScanned() * 10 < f.pagesScanned(), "the first delta read only named blocks: " + d1);
            assertTrue(d1.bytesRead() * 10 < f.bytesRead(), "the first delta read under a tenth of the cluster: " + d1);
            assertTrue(d1.pagesStored() > 300, "the updated pages are stored: " + d1);
            assertTrue(d1.bytesRead() + d1.bytesSkippedUnread() >= f.bytesRead() * 9 / 10,
                    "what was not read is counted as skipped unread: " + d1 + " against " + f);
            assertTrue(d2.pagesScanned() * 10 < f.pagesScanned(), "the second delta read only named blocks: " + d2);

            Path sourceData = source.dataDir();
            source.stopImmediate();
            ArchiveBackupPitrIT.deleteTree(sourceData);
            Path dest = ws.work().resolve("restored");
            CliHarness.Result fetch = cli.run("--config", config.toString(), "backup-fetch", dest.toString(), "LATEST",
                    "--recovery-target-name", "summaries", "--recovery-target-action", "promote");
            assertEquals(0, fetch.exitCode(), fetch.toString());
            Files.writeString(dest.resolve("postgresql.auto.conf"), "archive_mode = off\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            try (PostgresCluster restored = PostgresCluster.existing(dest, bin, 0)) {
                restored.start();
                ArchiveBackupPitrIT.awaitRecoveryEnd(restored);
                assertEquals(expected, restored.fingerprint());
                assertEquals(200, restored.queryLong("SELECT count(*) FROM marks"));
                assertEquals(5000, restored.queryLong("SELECT count(*) FROM shrinking"));
            }
        }
    }
}
