package io.walkeeper.core.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.core.backup.TestBackups;
import io.walkeeper.core.repo.Json;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryLayout;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A manifest someone with write access to the repository altered must not make a restore write
 * or delete anything outside the target and its validated tablespace directories, nor leave a
 * {@code tablespace_map} that points PostgreSQL elsewhere. Each altered manifest is refused with
 * an integrity error before anything is written, and the files around the target are untouched.
 */
class HostileManifestTest {
    @TempDir
    Path tmp;

    private Repository repo;
    private Path target;
    private Path precious;

    @BeforeEach
    void backUp() throws IOException {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("global"));
        Files.createDirectories(data.resolve("base/1"));
        Files.createDirectories(data.resolve("pg_tblspc"));
        byte[] b = new byte[8192];
        new Random(5).nextBytes(b);
        Files.write(data.resolve("global/pg_control"), b);
        Files.write(data.resolve("base/1/16384"), b);
        repo = new Repository(new InMemoryBlobStore(),
                new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null, Providers.codecs()));
        TestBackups.take(repo, data, "base_1", new Lsn(1L << 24), Instant.parse("2026-01-01T00:00:00Z"), null, 5);
        target = tmp.resolve("work/restored");
        precious = tmp.resolve("precious");
        Files.writeString(precious, "must survive");
    }

    private void alter(Consumer<ObjectNode> change) throws IOException {
        String key = RepositoryLayout.manifestKey("base_1");
        ObjectNode m;
        try (InputStream in = repo.store().get(key)) {
            m = (ObjectNode) Json.MAPPER.readTree(in);
        }
        change.accept(m);
        repo.store().put(key, out -> out.write(Json.MAPPER.writeValueAsBytes(m)));
    }

    private static void tablespace(ObjectNode m, String oid, String location) {
        ArrayNode list = m.putArray("tablespaces");
        ObjectNode ts = list.addObject();
        ts.put("oid", oid);
        ts.put("location", location);
        m.put("tablespaceMap", oid + " " + location + "\n");
    }

    private WalKeeperException restoreFails() {
        return assertThrows(WalKeeperException.class, () -> new DefaultRestorer(repo, 2).restore(
                RestoreRequest.of(BackupSelector.named("base_1"), target, "fetch %f %p")));
    }

    @Test
    void aTablespaceOidThatClimbsOutOfPgTblspcIsRefused() throws IOException {
        Path ts = Files.createDirectories(tmp.resolve("ts"));
        alter(m -> tablespace(m, "../../../precious", ts.toString()));
        WalKeeperException e = restoreFails();
        assertTrue(e instanceof IntegrityException && e.getMessage().contains("tablespace") && e.getMessage().contains("OID"),
                e.getMessage());
        assertEquals("must survive", Files.readString(precious));
        assertFalse(Files.isSymbolicLink(precious), "no link planted outside the target");
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "nothing written");
    }

    @Test
    void aRelativeOrUnnormalisedTablespaceLocationIsRefused() throws IOException {
        for (String location : new String[] {"relative/ts", tmp + "/ts/../precious", "", "/"}) {
            alter(m -> tablespace(m, "16384", location));
            WalKeeperException e = restoreFails();
            assertTrue(e instanceof IntegrityException, location + ": " + e);
            assertEquals("must survive", Files.readString(precious));
            assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), location + ": nothing written");
        }
    }

    @Test
    void aTablespaceInsideTheTargetIsRefused() throws IOException {
        alter(m -> tablespace(m, "16384", target.resolve("base").toString()));
        WalKeeperException e = restoreFails();
        assertTrue(e instanceof IntegrityException, e.toString());
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aTablespaceMapThatNamesUnlistedTablespacesIsRefused() throws IOException {
        alter(m -> m.put("tablespaceMap", "16384 " + precious + "\n"));
        WalKeeperException e = restoreFails();
        assertTrue(e instanceof IntegrityException && e.getMessage().contains("tablespace_map"), e.getMessage());
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aValidTablespaceIsRestoredWithAGeneratedMap() throws IOException {
        Path ts = tmp.resolve("ts");
        alter(m -> {
            tablespace(m, "16384", ts.toString());
            m.put("tablespaceMap", "16384 " + precious + "\n"); // PostgreSQL's text is not trusted
        });
        new DefaultRestorer(repo, 2).restore(RestoreRequest.of(BackupSelector.latest(), target, "fetch %f %p"));
        assertEquals("16384 " + ts + "\n", Files.readString(target.resolve("tablespace_map")));
        assertEquals(ts, Files.readSymbolicLink(target.resolve("pg_tblspc/16384")));
        assertEquals("must survive", Files.readString(precious));
    }

    @Test
    void fileEntriesThatClimbOutAreRefused() throws IOException {
        alter(m -> {
            for (JsonNode f : m.get("files")) {
                if (f.get("path").asText().equals("base/1/16384")) {
                    ((ObjectNode) f).put("path", "base/../../../precious");
                }
            }
        });
        WalKeeperException e = restoreFails();
        assertTrue(e instanceof IntegrityException, e.toString());
        assertEquals("must survive", Files.readString(precious));
    }
}
