package io.walkeeper.cli;

import io.walkeeper.pgfixture.CommandRunner;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input to the built CLI, run as a separate process through {@code bin/walkeeper} with its
 * settings in environment variables: every case must exit with its documented code, say what
 * was wrong on standard error without a stack trace, and change nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliBadInputIT {
    private static final String BAD_MANIFEST_BACKUP = "base_0000000100000000000000EE";

    private Path launcher;
    private Path work;
    private Path repo;
    private Path walRepo;
    private PostgresCluster cluster;
    private String backupName;

    private record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    void startClusterAndTakeABackup() throws Exception {
        Path root = Path.of(System.getProperty("walkeeper.repo.root", "..")).toAbsolutePath().normalize();
        launcher = root.resolve("bin/walkeeper");
        assertTrue(Files.isExecutable(launcher), "no launcher at " + launcher);
        assertTrue(Files.isRegularFile(root.resolve("walkeeper-examples/target/walkeeper-cli.jar")), "run mvn package first");
        work = Files.createTempDirectory("walkeeper-badinput-it");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        repo = Files.createDirectories(work.resolve("repo"));
        walRepo = Files.createDirectories(work.resolve("wal-repo"));

        cluster = PostgresCluster.builder().dataDir(work.resolve("pg")).logFile(work.resolve("pg.log")).build();
        cluster.grantToPostgresUser(repo);
        Launcher forServer = Launcher.script(serverReachableLauncher(root));
        cluster.archiveCommand(ServerCommands.archiveCommand(forServer, null, Map.of("WALKEEPER_STORAGE", uri(repo)), List.of()));
        cluster.initdb().start();
        Run push = walkeeper(pgEnv(repo), "backup-push", cluster.dataDir().toString(), "--full");
        assertEquals(0, push.code(), push.toString());
        List<String> lines = push.out().lines().toList();
        backupName = lines.get(lines.size() - 1);
        assertTrue(backupName.matches("base_[0-9A-F]{24}"), push.toString());
    }

    @AfterAll
    void cleanUp() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        if (work != null) {
            deleteTree(work);
        }
    }

    @Test
    void backupPushOfADirectoryThatIsNotTheServersExitsNine() throws Exception {
        Path notData = Files.createDirectories(work.resolve("not-pgdata"));
        Files.writeString(notData.resolve("PG_VERSION"), "15\n");
        Map<String, String> before = snapshot(repo);
        Run r = walkeeper(pgEnv(repo), "backup-push", notData.toString());
        assertEquals(9, r.code(), r.toString());
        assertTrue(r.err().contains("ERROR: Cannot back up " + notData + ": it is not the data directory of the server"), r.err());
        assertTrue(r.err().contains(cluster.dataDir().toString()), r.err());
        assertEquals("", r.out());
        assertNoStackTrace(r);
        assertEquals(before, snapshot(repo));
    }

    /** A typo in an encryption setting must not give a plaintext archive: the push fails and stores nothing. */
    @Test
    void aMisspeltEncryptionSettingFailsTheCommandInsteadOfStoringPlaintext() throws Exception {
        Path segment;
        try (Stream<Path> s = Files.list(cluster.dataDir().resolve("pg_wal"))) {
            segment = s.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}")).sorted().findFirst().orElseThrow();
        }
        Path staged = Files.createDirectories(work.resolve("typo")).resolve(segment.getFileName());
        Files.copy(segment, staged);
        Path typoRepo = Files.createDirectories(work.resolve("typo-repo"));
        Path key = work.resolve("typo/pub.asc");
        Files.writeString(key, "not read: the command must stop before it");
        Run r = walkeeper(Map.of("WALKEEPER_STORAGE", uri(typoRepo), "WALKEEPER_PGP_PUBLIC_KEYPATH", key.toString()),
                "wal-push", staged.toString());
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains("WALKEEPER_PGP_PUBLIC_KEYPATH") && r.err().contains("WALKEEPER_PGP_PUBLIC_KEY_PATH"),
                r.err());
        assertNoStackTrace(r);
        assertEquals(Map.of(), snapshot(typoRepo), "nothing stored");
    }

    @Test
    void walPushOfAMissingFileExitsNine() throws Exception {
        Path missing = work.resolve("pg_wal_copy/000000010000000000000099");
        Map<String, String> before = snapshot(walRepo);
        Run r = walkeeper(Map.of("WALKEEPER_STORAGE", uri(walRepo)), "wal-push", missing.toString());
        assertEquals(9, r.code(), r.toString());
        assertTrue(r.err().contains("ERROR: Cannot archive " + missing + ": no such file"), r.err());
        assertNoStackTrace(r);
        assertEquals(before, snapshot(walRepo));
    }

    @Test
    void walPushOfABadNameExitsNine() throws Exception {
        Path bad = Files.writeString(work.resolve("notawal"), "not WAL");
        Map<String, String> before = snapshot(walRepo);
        Run r = walkeeper(Map.of("WALKEEPER_STORAGE", uri(walRepo)), "wal-push", bad.toString());
        assertEquals(9, r.code(), r.toString());
        assertTrue(r.err().contains("ERROR: 'notawal' is not a WAL file name"), r.err());
        assertNoStackTrace(r);
        assertEquals(before, snapshot(walRepo));
    }

    @Test
    void walFetchOfAMissingSegmentExitsFourAndWritesNothing() throws Exception {
        Path dest = Files.createDirectories(work.resolve("fetch-dest"));
        Map<String, String> before = snapshot(walRepo);
        Run r = walkeeper(Map.of("WALKEEPER_STORAGE", uri(walRepo)), "wal-fetch", "0000000100000000000000FF",
                dest.resolve("RECOVERYXLOG").toString());
        assertEquals(4, r.code(), r.toString());
        assertTrue(r.err().contains("0000000100000000000000FF is not in the archive"), r.err());
        assertNoStackTrace(r);
        assertEquals(Map.of(), snapshot(dest), "nothing at DEST, no temporary file left");
        assertEquals(before, snapshot(walRepo));
    }

    @Test
    void backupFetchIntoANonEmptyDirectoryExitsNineAndLeavesItAlone() throws Exception {
        Path dest = Files.createDirectories(work.resolve("occupied"));
        Files.writeString(dest.resolve("precious.txt"), "do not touch");
        Files.createDirectories(dest.resolve("sub")).resolve("x").toFile().createNewFile();
        Map<String, String> before = snapshot(dest);
        Map<String, String> repoBefore = snapshot(repo);
        Run r = walkeeper(Map.of("WALKEEPER_STORAGE", uri(repo)), "backup-fetch", dest.toString(), backupName);
        assertEquals(9, r.code(), r.toString());
        assertTrue(r.err().contains("ERROR: Cannot restore into " + dest) && r.err().contains("not empty"), r.err());
        assertEquals("", r.out());
        assertNoStackTrace(r);
        assertEquals(before, snapshot(dest));
        assertEquals(repoBefore, snapshot(repo));
    }

    @Test
    void aManifestThatDoesNotParseIsSkippedByListAndRefusedByFetch() throws Exception {
        Path manifest = repo.resolve("backups").resolve(BAD_MANIFEST_BACKUP + ".json");
        Files.writeString(manifest, "{\"name\": \"" + BAD_MANIFEST_BACKUP + "\", garbage", StandardCharsets.UTF_8);
        try {
            Map<String, String> before = snapshot(repo);
            Run list = walkeeper(Map.of("WALKEEPER_STORAGE", uri(repo)), "backup-list");
            assertEquals(0, list.code(), list.toString());
            assertTrue(list.out().contains(backupName), list.toString());
            assertFalse(list.out().contains(BAD_MANIFEST_BACKUP), list.toString());
            assertTrue(list.err().contains("backups/" + BAD_MANIFEST_BACKUP + ".json"), list.toString());

            Run json = walkeeper(Map.of("WALKEEPER_STORAGE", uri(repo)), "backup-list", "--json");
            assertEquals(0, json.code(), json.toString());
            assertTrue(json.out().trim().startsWith("[") && json.out().contains("\"name\" : \"" + backupName + "\""), json.out());

            Path dest = work.resolve("restore-from-bad-manifest");
            Run fetch = walkeeper(Map.of("WALKEEPER_STORAGE", uri(repo)), "backup-fetch", dest.toString(), BAD_MANIFEST_BACKUP);
            assertEquals(6, fetch.code(), fetch.toString());
            assertTrue(fetch.err().contains("ERROR: Cannot read backup manifest 'backups/" + BAD_MANIFEST_BACKUP + ".json'"),
                    fetch.err());
            assertNoStackTrace(fetch);
            assertFalse(Files.exists(dest), "nothing restored");
            assertEquals(before, snapshot(repo));
        } finally {
            Files.deleteIfExists(manifest);
        }
    }

    private Map<String, String> pgEnv(Path repository) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WALKEEPER_STORAGE", uri(repository));
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", Integer.toString(cluster.port()));
        env.put("PGUSER", PostgresCluster.SUPERUSER);
        return env;
    }

    private Run walkeeper(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("WALKEEPER_") || k.startsWith("WALG_") || k.startsWith("PG")
                || k.startsWith("AWS_"));
        pb.environment().put("HOME", work.toString());
        pb.environment().putAll(env);
        Path out = Files.createTempFile("walkeeper-it", ".out");
        Path err = Files.createTempFile("walkeeper-it", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("walkeeper did not finish: " + cmd);
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * PostgreSQL runs archive_command as the postgres OS user when the tests run as root; if it
     * cannot reach the checkout, copy the launcher and the jar, in the checkout's layout.
     */
    private Path serverReachableLauncher(Path root) throws IOException {
        Path jar = root.resolve("walkeeper-examples/target/walkeeper-cli.jar");
        if (!PostgresCluster.runningAsRoot() || (serverUserCan("-x", launcher) && serverUserCan("-r", jar))) {
            return launcher;
        }
        Path copy = work.resolve("cli");
        Path bin = Files.createDirectories(copy.resolve("bin"));
        Path target = Files.createDirectories(copy.resolve("walkeeper-examples/target"));
        Files.copy(launcher, bin.resolve("walkeeper"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(jar, target.resolve("walkeeper-cli.jar"), StandardCopyOption.REPLACE_EXISTING);
        try (Stream<Path> s = Files.walk(copy)) {
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) || p.endsWith("walkeeper") ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return bin.resolve("walkeeper");
    }

    private static boolean serverUserCan(String test, Path path) {
        return CommandRunner.runAllowingFailure(PostgresCluster.asPostgresUser(List.of("test", test, path.toString())),
                Duration.ofSeconds(30)).succeeded();
    }

    private static void assertNoStackTrace(Run r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception in thread"), "stack trace in " + r);
    }

    private static String uri(Path dir) {
        return "file://" + dir.toAbsolutePath();
    }

    /** Every file and directory under {@code dir} with its size, modification time and content digest. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                if (p.equals(dir)) {
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                out.put(dir.relativize(p).toString(), a.isDirectory() ? "dir " + a.lastModifiedTime()
                        : a.size() + " " + a.lastModifiedTime() + " " + sha256(p));
            }
        }
        return out;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
