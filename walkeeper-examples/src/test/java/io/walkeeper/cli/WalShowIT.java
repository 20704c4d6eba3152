package io.walkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import io.walkeeper.api.WalSegmentName;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wal-show} on an archive with two timelines: a cluster archives and is backed up on
 * timeline 1, is restored to a point in time and promoted (timeline 2, which archives its history
 * file), and is backed up again; then one archived segment of timeline 1 is deleted by hand and
 * its last one is left only as {@code .partial}. What wal-show reports is compared with what PostgreSQL itself
 * wrote: the history file in the promoted server's pg_wal and the segments it names.
 */
class WalShowIT {
    private static final long SEGMENT = WalSegmentName.DEFAULT_SEGMENT_SIZE;
    private CliWorkspace ws;
    private Path work;
    private CliHarness cli;
    private Path config;
    private Path repo;

    @BeforeEach
    void setUp() throws Exception {
        ws = new CliWorkspace("walkeeper-wal-show-it");
        work = ws.work();
        cli = ws.cli();
        repo = ws.repo();
        config = ws.config();
    }

    @AfterEach
    void tearDown() throws Exception {
        ws.close();
    }

    @Test
    void showsTimelinesParentsGapsPartialSegmentsAndBackups() throws Exception {
        Path bin;
        String firstBackup;
        String targetTime;
        String lastOnOne;
        try (PostgresCluster source = ws.startSource("source")) {
            bin = source.binDir();
            source.execute("CREATE TABLE rows(id int PRIMARY KEY)");
            cli.env("WALG_SENTINEL_USER_DATA", "{\"env\": \"prod\", \"run\": 1}");
            firstBackup = backupPush(source);
            cli.env("WALG_SENTINEL_USER_DATA", null);
            for (int i = 0; i < 4; i++) {
                source.execute("INSERT INTO rows SELECT generate_series(" + (i * 100 + 1) + ", " + (i * 100 + 100) + ")");
                source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            }
            Thread.sleep(1100);
            targetTime = source.queryString("SELECT now()::text");
            Thread.sleep(1100);
            source.execute("INSERT INTO rows SELECT generate_series(1001, 1100)");
            lastOnOne = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            ArchiveBackupPitrIT.awaitArchived(repo, lastOnOne);
            source.stopImmediate();
        }

        Path pitr = work.resolve("pitr");
        CliHarness.Result fetch = cli.run("--config", config.toString(), "backup-fetch", pitr.toString(), "LATEST",
                "--recovery-target-time", targetTime, "--recovery-target-action", "promote");
        assertEquals(0, fetch.exitCode(), fetch.toString());
        String secondBackup;
        String lastOnTwo;
        Lsn switchLsn;
        String partial;
        try (PostgresCluster promoted = PostgresCluster.existing(pitr, bin, 0)) {
            promoted.archiveCommand(ws.archiveCommand());
            promoted.start();
            ArchiveBackupPitrIT.awaitRecoveryEnd(promoted);
            assertEquals(400, promoted.queryLong("SELECT count(*) FROM rows"));
            secondBackup = backupPush(promoted, "--annotation", "ticket=OPS-7", "--annotation", "env=staging");
            promoted.execute("INSERT INTO rows SELECT generate_series(2001, 2100)");
            lastOnTwo = promoted.queryString("SELECT pg_walfile_name(pg_switch_wal())");
            ArchiveBackupPitrIT.awaitArchived(repo, lastOnTwo);
            ArchiveBackupPitrIT.awaitArchived(repo, "00000002.history");
            String history = Files.readString(pitr.resolve("pg_wal/00000002.history"));
            switchLsn = Lsn.parse(history.strip().split("\\s+")[1]);
            partial = WalSegmentName.containing(TimelineId.of(1), switchLsn, SEGMENT).toString();
            promoted.stopImmediate();
        }
        String firstOnTwo = WalSegmentName.containing(TimelineId.of(2), switchLsn, SEGMENT).toString();
        assertEquals(lastOnOne, partial, "recovery stopped in the last segment timeline 1 archived");

        List<Path> timelineOne;
        try (Stream<Path> files = Files.list(repo.resolve("wal"))) {
            timelineOne = files.filter(p -> p.getFileName().toString().matches("00000001[0-9A-F]{16}\\.[a-z0-9]+"))
                    .sorted().toList();
        }
        assertTrue(timelineOne.size() >= 4, timelineOne.toString());
        Path deleted = timelineOne.get(timelineOne.size() / 2);
        String deletedName = deleted.getFileName().toString().substring(0, 24);
        Files.delete(deleted);
        // as if the old primary had died before archiving its last segment and a promoted standby
        // had archived it as .partial (here the restore fetched it complete from the archive, so
        // PostgreSQL did not archive a .partial of its own)
        Path completeLast = timelineOne.get(timelineOne.size() - 1);
        String completeName = completeLast.getFileName().toString();
        assertEquals(lastOnOne, completeName.substring(0, 24));
        Files.move(completeLast, completeLast.resolveSibling(lastOnOne + ".partial" + completeName.substring(24)));

        CliHarness.Result show = cli.run("--config", config.toString(), "wal-show", "--json");
        assertEquals(0, show.exitCode(), show.toString());
        JsonNode timelines = new ObjectMapper().readTree(show.stdout());
        assertEquals(2, timelines.size(), show.stdout());

        JsonNode one = timelines.get(0);
        assertEquals(1, one.get("timeline").asInt());
        assertTrue(one.get("parentTimeline").isNull());
        assertEquals(timelineOne.get(0).getFileName().toString().substring(0, 24), one.get("firstSegment").asText());
        assertEquals(partial, one.get("lastSegment").asText(), "timeline 1 ends with the segment the promotion cut");
        assertEquals(timelineOne.size() - 1, one.get("segmentCount").asLong(), "every complete one but the deleted, and the .partial");
        assertEquals(1, one.get("gaps").size(), show.stdout());
        assertEquals(deletedName, one.get("gaps").get(0).get("firstMissing").asText());
        assertEquals(deletedName, one.get("gaps").get(0).get("lastMissing").asText());
        assertEquals(1, one.get("missingSegments").asLong());
        assertEquals(List.of(partial), strings(one.get("partialSegments")));
        assertEquals(List.of(firstBackup), strings(one.get("backups")));

        JsonNode two = timelines.get(1);
        assertEquals(2, two.get("timeline").asInt());
        assertEquals(1, two.get("parentTimeline").asInt());
        assertEquals(switchLsn.toString(), two.get("switchLsn").asText());
        assertTrue(two.get("historyArchived").asBoolean());
        assertEquals(firstOnTwo, two.get("firstSegment").asText());
        assertEquals(lastOnTwo, two.get("lastSegment").asText());
        assertEquals(0, two.get("gaps").size(), show.stdout());
        assertEquals(List.of(secondBackup), strings(two.get("backups")));

        CliHarness.Result text = cli.run("--config", config.toString(), "wal-show");
        assertEquals(0, text.exitCode(), text.toString());
        assertTrue(text.stdout().contains("timeline 1: 1 segment missing: " + deletedName), text.stdout());
        assertTrue(text.stdout().contains(partial + " archived only as .partial"), text.stdout());
        assertTrue(text.stdout().lines().anyMatch(l -> l.startsWith("2 ") && l.contains(switchLsn.toString())
                && l.contains(secondBackup)), text.stdout());
        System.out.println("WalShowIT: wal-show printed\n" + text.stdout());

        // the CLI side of backup-mark on the same repository (the rules are unit-tested in BackupRunTest)
        CliHarness.Result mark = cli.run("--config", config.toString(), "backup-mark", firstBackup);
        assertEquals(0, mark.exitCode(), mark.toString());
        assertEquals(firstBackup + ": permanent", mark.stdout().strip());
        assertTrue(permanence().get(firstBackup) && !permanence().get(secondBackup));
        CliHarness.Result again = cli.run("--config", config.toString(), "backup-mark", firstBackup);
        assertEquals(firstBackup + " is already permanent", again.stdout().strip(), again.toString());
        CliHarness.Result unmark = cli.run("--config", config.toString(), "backup-mark", "-i", firstBackup);
        assertEquals(0, unmark.exitCode(), unmark.toString());
        assertEquals(firstBackup + ": ordinary", unmark.stdout().strip());
        assertTrue(!permanence().get(firstBackup));
        CliHarness.Result missing = cli.run("--config", config.toString(), "backup-mark", "base_0000000100000000000000FF");
        assertEquals(io.walkeeper.api.ErrorCode.NOT_FOUND.exitCode(), missing.exitCode(), missing.toString());

        annotations(firstBackup, secondBackup);
        deleteFamily(firstBackup, secondBackup);
    }

    /** Labels from WALG_SENTINEL_USER_DATA and --annotation: listed, and selected by backup-fetch --target-user-data. */
    private void annotations(String firstBackup, String secondBackup) throws Exception {
        CliHarness.Result list = cli.run("--config", config.toString(), "backup-list", "--json");
        java.util.Map<String, JsonNode> byName = new java.util.HashMap<>();
        new ObjectMapper().readTree(list.stdout()).forEach(b -> byName.put(b.get("name").asText(), b.get("labels")));
        assertEquals("prod", byName.get(firstBackup).get("env").asText(), list.stdout());
        assertEquals("1", byName.get(firstBackup).get("run").asText(), list.stdout());
        assertEquals("OPS-7", byName.get(secondBackup).get("ticket").asText(), list.stdout());
        assertEquals("staging", byName.get(secondBackup).get("env").asText(), list.stdout());

        CliHarness.Result none = cli.run("--config", config.toString(), "backup-fetch", work.resolve("nowhere").toString(),
                "LATEST", "--target-user-data", "env=test");
        assertEquals(io.walkeeper.api.ErrorCode.NOT_FOUND.exitCode(), none.exitCode(), none.toString());
        assertTrue(none.stderr().contains("env=test"), none.toString());
        CliHarness.Result wrong = cli.run("--config", config.toString(), "backup-fetch", work.resolve("nowhere").toString(),
                secondBackup, "--target-user-data", "{\"env\": \"prod\"}");
        assertEquals(io.walkeeper.api.ErrorCode.NOT_FOUND.exitCode(), wrong.exitCode(), wrong.toString());
        assertTrue(wrong.stderr().contains(secondBackup) && wrong.stderr().contains("env=prod"), wrong.toString());
        assertFalse(Files.exists(work.resolve("nowhere")), "nothing is restored when no backup matches");
        CliHarness.Result bad = cli.run("--config", config.toString(), "backup-push", "--annotation", "no label",
                work.resolve("nowhere").toString());
        assertEquals(io.walkeeper.api.ErrorCode.INVALID_REQUEST.exitCode(), bad.exitCode(), bad.toString());
    }

    /** The delete family on the same repository: before, garbage, everything (the rules are unit-tested in BackupRunTest). */
    private void deleteFamily(String firstBackup, String secondBackup) throws Exception {
        CliHarness.Result before = cli.run("--config", config.toString(), "delete", "before", secondBackup);
        assertEquals(0, before.exitCode(), before.toString());
        assertTrue(before.stdout().contains("would delete backup " + firstBackup)
                && !before.stdout().contains("would delete backup " + secondBackup), before.stdout());
        assertEquals(2, permanence().size(), "a dry run deletes nothing");

        String orphan = "base_0000000100000000000000FE";
        Path orphanPart = Files.createDirectories(repo.resolve("backups").resolve(orphan)).resolve("part_0001.tar.lz4");
        Files.write(orphanPart, new byte[] {1, 2, 3});
        Path leftover = repo.resolve("wal").resolve(".000000010000000000000003.lz4.tmp-0123456789abcdef");
        Files.write(leftover, new byte[] {4});
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(7200));
        Files.setLastModifiedTime(orphanPart, old);
        Files.setLastModifiedTime(leftover, old);
        CliHarness.Result garbage = cli.run("--config", config.toString(), "delete", "garbage", "--confirm");
        assertEquals(0, garbage.exitCode(), garbage.toString());
        assertTrue(garbage.stdout().contains("deleted the objects of unfinished backup " + orphan)
                && garbage.stdout().contains("1 leftover(s) of interrupted writes"), garbage.stdout());
        assertFalse(Files.exists(orphanPart) || Files.exists(leftover), "garbage is gone");
        assertEquals(2, permanence().size(), "completed backups are not garbage");
        System.out.println("WalShowIT: delete garbage printed\n" + garbage.stdout());

        assertEquals(0, cli.run("--config", config.toString(), "backup-mark", firstBackup).exitCode());
        CliHarness.Result refused = cli.run("--config", config.toString(), "delete", "everything", "--confirm");
        assertEquals(io.walkeeper.api.ErrorCode.CONFLICT.exitCode(), refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains(firstBackup) && refused.stderr().contains("FORCE"), refused.toString());
        assertEquals(2, permanence().size(), "a refusal deletes nothing");
        CliHarness.Result everything = cli.run("--config", config.toString(), "delete", "everything", "FORCE", "--confirm");
        assertEquals(0, everything.exitCode(), everything.toString());
        assertEquals(0, permanence().size());
        if (Files.exists(repo.resolve("wal"))) { // the file store removes directories it empties
            try (java.util.stream.Stream<Path> wal = Files.list(repo.resolve("wal"))) {
                assertEquals(List.of(), wal.filter(f -> !f.getFileName().toString().startsWith(".")).toList());
            }
        }
        assertTrue(Files.exists(repo.resolve("walkeeper.json")), "the repository stays usable");
    }

    private java.util.Map<String, Boolean> permanence() throws Exception {
        CliHarness.Result list = cli.run("--config", config.toString(), "backup-list", "--json");
        assertEquals(0, list.exitCode(), list.toString());
        java.util.Map<String, Boolean> out = new java.util.HashMap<>();
        new ObjectMapper().readTree(list.stdout()).forEach(b -> out.put(b.get("name").asText(), b.get("permanent").asBoolean()));
        return out;
    }

    private String backupPush(PostgresCluster pg, String... options) throws Exception {
        ws.pointAt(pg);
        List<String> args = new java.util.ArrayList<>(List.of("--config", config.toString(), "backup-push", "--full"));
        args.addAll(List.of(options));
        args.add(pg.dataDir().toString());
        CliHarness.Result push = cli.run(args.toArray(String[]::new));
        assertEquals(0, push.exitCode(), push.toString());
        return push.stdout().strip();
    }

    private static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
