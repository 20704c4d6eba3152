package io.walkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.CorruptPage;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A data page whose checksum is wrong: one byte in the middle of block 3 of a table's file is
 * flipped while the server is stopped, and nothing reads the table afterwards, so only the
 * backup sees it. backup-push completes and reports the page by file and block, on the terminal
 * and in the backup's record; with {@code --fail-on-corrupt-page} it fails, names the page and
 * leaves no backup.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CorruptPageIT {
    private static final int PAGE = 8192;
    private static final int BLOCK = 3;

    private CliWorkspace ws;
    private Path repo;
    private Path config;
    private CliHarness cli;
    private PostgresCluster source;
    /** The table's file relative to the data directory, e.g. base/5/16384. */
    private String relPath;
    /** The checksum in the damaged page's header, which the damage left as it was. */
    private int storedChecksum;
    private String firstBackup;

    @BeforeAll
    void damageAPage() throws Exception {
        ws = new CliWorkspace("walkeeper-corrupt-page-it", Map.of("WALKEEPER_COMPRESSION", "lz4"));
        cli = ws.cli();
        repo = ws.repo();
        config = ws.config();

        // no autovacuum: nothing but the backup may read the damaged page
        source = ws.startSource(PostgresCluster.builder().setting("autovacuum", "off"), "source");
        assertEquals("on", source.queryString("SHOW data_checksums"), "the test cluster has data checksums");
        source.execute("CREATE TABLE victim(id int PRIMARY KEY, v text NOT NULL)");
        source.execute("INSERT INTO victim SELECT g, md5(g::text) FROM generate_series(1, 10000) g");
        source.execute("VACUUM victim");
        relPath = source.queryString("SELECT pg_relation_filepath('victim')");
        assertTrue(source.queryLong("SELECT pg_relation_size('victim') / " + PAGE) > BLOCK + 1, "victim has enough pages");
        source.execute("CHECKPOINT");
        source.stop();

        Path file = source.dataDir().resolve(relPath);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer page = ByteBuffer.allocate(PAGE).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(page, (long) BLOCK * PAGE);
            storedChecksum = Short.toUnsignedInt(page.getShort(8));
            int at = PAGE / 2;
            byte before = page.get(at);
            page.put(at, (byte) ~before);
            page.rewind();
            ch.write(page, (long) BLOCK * PAGE);
            ch.force(true);
        }
        source.start();
        ws.pointAt(source);
    }

    @AfterAll
    void cleanUp() throws IOException {
        if (ws != null) {
            ws.close();
        }
    }

    @Test
    @Order(1)
    void aBackupCompletesAndReportsTheCorruptPage() throws Exception {
        CliHarness.Result push = cli.run("--config", config.toString(), "backup-push", source.dataDir().toString());
        assertEquals(0, push.exitCode(), push.toString());
        firstBackup = DeltaItSupport.nameOf(push);
        assertTrue(namesThePage(push.stdout() + "\n" + push.stderr()), "the page is reported by file and block: " + push);

        BackupInfo info = DeltaItSupport.list(repo).stream().filter(b -> b.name().equals(firstBackup)).findFirst().orElseThrow();
        assertEquals(BackupKind.FULL, info.kind());
        assertEquals(1, info.corruptPages().size(), info.corruptPages().toString());
        CorruptPage page = info.corruptPages().get(0);
        assertEquals(relPath, page.path());
        assertEquals(BLOCK, page.block());
        assertEquals(storedChecksum, page.found(), "found is the checksum in the page header");
        assertNotEquals(page.found(), page.expected(), page.toString());

        // backup-list shows it too
        CliHarness.Result list = cli.run("--config", config.toString(), "backup-list", "--json");
        assertEquals(0, list.exitCode(), list.toString());
        JsonNode listed = new ObjectMapper().readTree(list.stdout());
        assertEquals(1, listed.size(), list.stdout());
        JsonNode pages = listed.get(0).get("corruptPages");
        assertTrue(pages != null && pages.size() == 1, list.stdout());
        assertEquals(relPath, pages.get(0).get("path").asText());
        assertEquals(BLOCK, pages.get(0).get("block").asLong());
    }

    @Test
    @Order(2)
    void failOnCorruptPageFailsNamesThePageAndLeavesNoBackup() throws Exception {
        List<String> before = names();
        CliHarness.Result push = cli.run("--config", config.toString(), "backup-push", source.dataDir().toString(),
                "--fail-on-corrupt-page");
        assertNotEquals(0, push.exitCode(), push.toString());
        assertTrue(namesThePage(push.stderr()), "the error names the file and block: " + push);
        assertEquals(before, names(), "no backup is added");
        CliHarness.Result list = cli.run("--config", config.toString(), "backup-list", "--json");
        assertEquals(0, list.exitCode(), list.toString());
        assertEquals(before.size(), new ObjectMapper().readTree(list.stdout()).size(), list.stdout());
    }

    @Test
    @Order(3)
    void fullForcesAFullBackupWhereADeltaWouldBeAllowed() throws Exception {
        cli.env("WALKEEPER_DELTA_MAX_STEPS", "5");
        try {
            String forced = DeltaItSupport.push(cli, config, source, "--full");
            String auto = DeltaItSupport.push(cli, config, source);
            List<BackupInfo> listed = DeltaItSupport.list(repo);
            BackupInfo full = listed.stream().filter(b -> b.name().equals(forced)).findFirst().orElseThrow();
            BackupInfo delta = listed.stream().filter(b -> b.name().equals(auto)).findFirst().orElseThrow();
            assertEquals(BackupKind.FULL, full.kind(), full.toString());
            assertNull(full.parentName());
            assertEquals(List.of(relPath + " block " + BLOCK), full.corruptPages().stream()
                    .map(p -> p.path() + " block " + p.block()).toList(), "a full backup reads every page");
            assertEquals(BackupKind.DELTA, delta.kind(), "without --full the next backup is a delta: " + delta);
            assertEquals(forced, delta.parentName());
        } finally {
            cli.env("WALKEEPER_DELTA_MAX_STEPS", "0");
        }
    }

    private List<String> names() {
        List<String> names = new ArrayList<>();
        DeltaItSupport.list(repo).forEach(b -> names.add(b.name()));
        return names;
    }

    /** Some line names the file and block 3. */
    private boolean namesThePage(String text) {
        Pattern block = Pattern.compile("(?i)\\bblock\\W*" + BLOCK + "\\b");
        return text.lines().anyMatch(l -> l.contains(relPath) && block.matcher(l).find());
    }
}
