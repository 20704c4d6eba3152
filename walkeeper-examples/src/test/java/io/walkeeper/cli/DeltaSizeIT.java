package io.walkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.compress.Lz4Codec;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How big a delta backup is, against a bound computed here independently of the engine: after
 * a full backup of a quiet cluster, one row is updated on every 50th page of
 * {@code pgbench_accounts} (2 % of its pages), and a delta is taken. This test then reads every
 * relation file itself, takes the pages whose LSN is at or after the full backup's start,
 * compresses them with lz4 (C), and compresses the files the delta's manifest says it stored
 * whole (W). The delta may store at most 1.2 × (C + W), and every page changed between the
 * two backups must be in a file the delta stored. The delta then restores to the source's data,
 * with a visibility map that index-only scans can trust.
 */
class DeltaSizeIT {
    private static final int PAGE = 8192;
    private static final Pattern RELATION_FILE = Pattern.compile("\\d+(_init)?(\\.\\d+)?");
    private static final String ACCOUNTS_MD5 = "SELECT count(*) || ':' || md5(string_agg(a::text, ',' ORDER BY aid)) "
            + "FROM pgbench_accounts a";
    private static final String ACCOUNTS_BY_AID = "SELECT count(*), sum(aid::bigint) FROM pgbench_accounts";

    private CliWorkspace ws;
    private Path work;

    @BeforeEach
    void setUp() throws IOException {
        ws = new CliWorkspace("walkeeper-delta-size-it", Map.of("WALKEEPER_COMPRESSION", "lz4"));
        work = ws.work();
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (ws != null) {
            ws.close();
        }
    }

    @Test
    void aDeltaStoresLittleMoreThanTheChangedPagesCompressed() throws Exception {
        CliHarness cli = ws.cli();
        Path repo = ws.repo();
        Path config = ws.config();
        try (PostgresCluster source = ws.startSource(PostgresCluster.builder().setting("autovacuum", "off"), "source")) {
            source.pgbenchInit(10);
            source.execute("CHECKPOINT");
            ws.pointAt(source).env("WALKEEPER_DELTA_MAX_STEPS", "3");
            String fullName = DeltaItSupport.push(cli, config, source);

            String accounts = source.queryString("SELECT pg_relation_filepath('pgbench_accounts')");
            long pages = source.queryLong("SELECT pg_relation_size('pgbench_accounts') / " + PAGE);
            long updated = source.queryLong("WITH u AS (UPDATE pgbench_accounts SET abalance = abalance + 1 "
                    + "WHERE ctid = ANY (ARRAY(SELECT format('(%s,1)', p)::tid FROM generate_series(0, " + (pages - 1)
                    + ", 50) p)) RETURNING 1) SELECT count(*) FROM u");
            assertEquals((pages + 49) / 50, updated, "one row updated on every 50th page");
            String expectedAccounts = source.queryString(ACCOUNTS_MD5);
            String expectedByAid = DeltaItSupport.bySeqScan(source, "postgres", ACCOUNTS_BY_AID);
            source.execute("CHECKPOINT");
            String deltaName = DeltaItSupport.push(cli, config, source);

            List<BackupInfo> listed = DeltaItSupport.list(repo);
            BackupInfo full = listed.stream().filter(b -> b.name().equals(fullName)).findFirst().orElseThrow();
            BackupInfo delta = listed.stream().filter(b -> b.name().equals(deltaName)).findFirst().orElseThrow();
            assertEquals(BackupKind.FULL, full.kind(), full.toString());
            assertEquals(BackupKind.DELTA, delta.kind(), delta.toString());
            assertEquals(fullName, delta.parentName());

            // what the delta stored, file by file, according to its manifest
            Map<String, String> storage = new TreeMap<>();
            for (JsonNode f : DeltaItSupport.manifest(repo, deltaName).get("files")) {
                if (!"dir".equals(f.path("type").asText())) {
                    JsonNode kind = f.get("storage");
                    storage.put(f.get("path").asText(), kind == null || kind.isNull() ? "whole" : kind.asText());
                }
            }

            // the pages changed since the full backup started, read and compressed here
            Path data = source.dataDir();
            long fullStart = full.startLsn().value();
            long deltaStart = delta.startLsn().value();
            CountingOutputStream changed = new CountingOutputStream();
            long changedPages = 0;
            long accountsChanged = 0;
            long accountsPages = 0;
            long changedInDeltaFiles = 0;
            List<String> missed = new ArrayList<>();
            try (OutputStream c = new Lz4Codec().compress(changed)) {
                for (Path file : relationFiles(data)) {
                    String rel = data.relativize(file).toString();
                    String kind = storage.get(rel);
                    boolean whole = "whole".equals(kind);
                    boolean isAccounts = rel.equals(accounts) || rel.startsWith(accounts + ".");
                    byte[] bytes = Files.readAllBytes(file);
                    ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                    for (int off = 0; off + PAGE <= bytes.length; off += PAGE) {
                        long lsn = (Integer.toUnsignedLong(le.getInt(off)) << 32) | Integer.toUnsignedLong(le.getInt(off + 4));
                        if (isAccounts) {
                            accountsPages++;
                        }
                        if (Long.compareUnsigned(lsn, fullStart) < 0) {
                            continue;
                        }
                        changedPages++;
                        if (isAccounts) {
                            accountsChanged++;
                        }
                        if (!whole) {
                            c.write(bytes, off, PAGE);
                        }
                        if (Long.compareUnsigned(lsn, deltaStart) < 0) {
                            // changed between the two backups' starts: the delta must hold this page
                            if (!"delta".equals(kind) && !whole) {
                                missed.add(rel + " block " + (off / PAGE) + " (LSN " + Long.toHexString(lsn) + ", stored as "
                                        + kind + ")");
                            } else if ("delta".equals(kind)) {
                                changedInDeltaFiles++;
                            }
                        }
                    }
                }
            }

            // the files the delta stored whole, compressed here
            CountingOutputStream wholeFiles = new CountingOutputStream();
            long wholeCount = 0;
            try (OutputStream w = new Lz4Codec().compress(wholeFiles)) {
                for (Map.Entry<String, String> e : storage.entrySet()) {
                    Path file = data.resolve(e.getKey());
                    if ("whole".equals(e.getValue()) && Files.isRegularFile(file)) {
                        wholeCount++;
                        try (InputStream in = Files.newInputStream(file)) {
                            in.transferTo(w);
                        }
                    }
                }
            }

            long fullStored = full.statistics().bytesStored();
            long deltaStored = delta.statistics().bytesStored();
            System.out.printf("delta-size: full stored %d bytes, delta stored %d bytes, changed pages %d (%d bytes compressed), "
                            + "whole files %d bytes, pgbench_accounts pages touched %d of %d%n", fullStored, deltaStored,
                    changedPages, changed.count, wholeFiles.count, accountsChanged, accountsPages);
            System.out.println("delta-size: " + wholeCount + " files stored whole; rows updated " + updated + " on "
                    + pages + " pages; full " + full.statistics() + "; delta " + delta.statistics());

            assertTrue(missed.isEmpty(), "pages changed between the full backup and the delta that the delta did not store: "
                    + missed.size() + " " + missed.subList(0, Math.min(20, missed.size())));
            assertTrue(accountsChanged >= updated, "the scan sees the updated pages of pgbench_accounts");
            assertTrue(delta.statistics().pagesStored() >= changedInDeltaFiles, "the delta stored "
                    + delta.statistics().pagesStored() + " pages; " + changedInDeltaFiles
                    + " pages of the files it stored as deltas changed between the backups");
            assertTrue(deltaStored <= 1.2 * (changed.count + wholeFiles.count), "the delta stored " + deltaStored
                    + " bytes; the changed pages compress to " + changed.count + " and the files it stored whole to "
                    + wholeFiles.count + ": at most 1.2 x " + (changed.count + wholeFiles.count) + " expected");

            String last = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            ArchiveBackupPitrIT.awaitArchived(repo, last);
            Path dest = DeltaItSupport.fetch(cli, config, work.resolve("restored"), deltaName);
            try (PostgresCluster restored = PostgresCluster.existing(dest, source.binDir(), 0)) {
                restored.start();
                ArchiveBackupPitrIT.awaitRecoveryEnd(restored);
                assertEquals(expectedAccounts, restored.queryString(ACCOUNTS_MD5), "pgbench_accounts restored from the delta");
                // the updates cleared visibility-map bits without changing the map page's LSN
                DeltaItSupport.assertIndexOnlyScanAgrees(restored, "postgres", ACCOUNTS_BY_AID, expectedByAid);
                DeltaItSupport.assertVisibilityMapsHold(restored);
                DeltaItSupport.amcheck(restored);
            }
        }
    }

    /** The main and init forks of every relation under global/ and base/, in a stable order. */
    private static List<Path> relationFiles(Path data) throws IOException {
        List<Path> dirs = new ArrayList<>();
        dirs.add(data.resolve("global"));
        try (Stream<Path> s = Files.list(data.resolve("base"))) {
            s.filter(Files::isDirectory).sorted().forEach(dirs::add);
        }
        List<Path> files = new ArrayList<>();
        for (Path dir : dirs) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> RELATION_FILE.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
                        .sorted().forEach(files::add);
            }
        }
        return files;
    }

    /** Counts bytes and drops them. */
    private static final class CountingOutputStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
