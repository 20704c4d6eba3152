package io.walkeeper.cli;

import io.walkeeper.core.WalKeeper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Push-ahead markers let {@code bin/walkeeper} answer PostgreSQL's archive_command without a JVM.
 * A marker may answer only under exactly the configuration that archived the file: after the
 * configuration changes (a file rewritten within the same second with the same size, another
 * repository in the environment), every segment PostgreSQL hands over must reach the new
 * repository; with no HOME the markers still work; and no secret, hashed or not, goes into them.
 */
class PushAheadIT {
    private static final long SEG = 1L << 20;
    private static final long SYSID = 7441012542342354944L;

    @TempDir
    Path dir;

    private CliHarness cli;
    private Path data;
    private Path walDir;
    private final List<String> segments = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        cli = new CliHarness(dir.resolve("cli"));
        data = Files.createDirectories(dir.resolve("data"));
        walDir = Files.createDirectories(data.resolve("pg_wal/archive_status")).getParent();
        for (int i = 1; i <= 12; i++) {
            String name = String.format("0000000100000000%08X", i);
            Files.write(walDir.resolve(name), segment(name, i));
            Files.createFile(walDir.resolve("archive_status/" + name + ".ready"));
            segments.add(name);
        }
    }

    /** What PostgreSQL does: archive_command for the next ready segment, then .ready becomes .done. */
    private void archive(String segment) throws Exception {
        CliHarness.Result r = cli.startIn(data, "wal-push", "pg_wal/" + segment).await();
        assertEquals(0, r.exitCode(), segment + ": " + r);
        Files.move(walDir.resolve("archive_status/" + segment + ".ready"), walDir.resolve("archive_status/" + segment + ".done"));
    }

    private Set<String> markerDirectories() throws IOException {
        Path markers = walDir.resolve(".walkeeper-pushed");
        if (!Files.isDirectory(markers)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(markers)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private void assertArchivedIn(Path repo, List<String> names) throws IOException {
        try (WalKeeper wk = WalKeeper.builder().storage(URI.create("file://" + repo), Map.of()).build()) {
            for (String name : names) {
                Path fetched = dir.resolve("fetched-" + name);
                assertEquals(io.walkeeper.api.WalFetchResult.FETCHED, wk.walArchiver().fetch(name, fetched),
                        name + " must be in " + repo);
                assertArrayEquals(Files.readAllBytes(walDir.resolve(name)), Files.readAllBytes(fetched));
                Files.delete(fetched);
            }
        }
    }

    private static List<String> walKeys(Path repo) throws IOException {
        if (!Files.isDirectory(repo.resolve("wal"))) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(repo.resolve("wal"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aConfigurationFileRewrittenWithinTheSameSecondSendsEverySegmentToTheNewRepository() throws Exception {
        Path repoA = dir.resolve("repo-A");
        Path repoB = dir.resolve("repo-B");
        Path config = dir.resolve("walkeeper.json");
        Files.writeString(config, "{\"WALKEEPER_STORAGE\": \"file://" + repoA + "\"}\n");
        FileTime mtime = Files.getLastModifiedTime(config);
        cli.env("WALKEEPER_CONFIG", config.toString());
        archive(segments.get(0));
        assertEquals(1, markerDirectories().size(), "the first push archived the ready segments ahead");
        assertTrue(walKeys(repoA).size() > 1, walKeys(repoA).toString());

        // same size, same modification time, same inode: only the content tells them apart
        Files.writeString(config, "{\"WALKEEPER_STORAGE\": \"file://" + repoB + "\"}\n");
        Files.setLastModifiedTime(config, mtime);
        List<String> rest = segments.subList(1, segments.size());
        for (String s : rest) {
            archive(s);
        }
        assertArchivedIn(repoB, rest);
    }

    @Test
    void anotherRepositoryInTheEnvironmentSendsEverySegmentThereAndRemovesTheOldMarkers() throws Exception {
        Path repoA = dir.resolve("repo-A");
        Path repoB = dir.resolve("repo-B");
        cli.env("WALKEEPER_STORAGE", "file://" + repoA);
        archive(segments.get(0));
        Set<String> before = markerDirectories();
        assertEquals(1, before.size());
        cli.env("WALKEEPER_STORAGE", "file://" + repoB);
        List<String> rest = segments.subList(1, segments.size());
        for (String s : rest) {
            archive(s);
        }
        assertArchivedIn(repoB, rest);
        assertFalse(markerDirectories().stream().anyMatch(before::contains), "the old configuration's markers are gone");
    }

    @Test
    void withoutHomeTheMarkersStillAnswerForTheirOwnConfiguration() throws Exception {
        Path repo = dir.resolve("repo");
        cli.env("HOME", null).env("WALKEEPER_STORAGE", "file://" + repo);
        for (String s : segments) {
            archive(s);
        }
        assertArchivedIn(repo, segments);
        assertEquals(1, markerDirectories().size(), "push-ahead worked without HOME");
    }

    @Test
    void aHomeTheJvmDoesNotReadNeverLendsItsConfigurationToTheMarkers() throws Exception {
        Path repoA = dir.resolve("repo-A");
        Path repoB = dir.resolve("repo-B");
        // as with sudo -u without -H: the launcher's HOME is not the home directory the JVM reads
        Path otherHome = Files.createDirectories(dir.resolve("other-home"));
        Files.writeString(otherHome.resolve(".walkeeper.json"), "{\"WALKEEPER_STORAGE\": \"file://" + repoA + "\"}\n");
        cli.env("HOME", otherHome.toString()).env("WALKEEPER_STORAGE", "file://" + repoB);
        for (String s : segments) {
            archive(s);
        }
        assertArchivedIn(repoB, segments);
        assertEquals(List.of(), walKeys(repoA));
        assertEquals(Set.of(), markerDirectories(), "the launcher and the JVM disagree: no marker may answer");
    }

    @Test
    void secretsDoNotEnterTheIdentity() throws Exception {
        Path repo = dir.resolve("repo");
        cli.env("WALKEEPER_STORAGE", "file://" + repo).env("WALKEEPER_PGP_PASSPHRASE", null)
                .env("AZURE_STORAGE_ACCESS_KEY", "first-secret-value");
        archive(segments.get(0));
        Set<String> first = markerDirectories();
        cli.env("AZURE_STORAGE_ACCESS_KEY", "second-secret-value");
        archive(segments.get(1));
        assertEquals(first, markerDirectories(), "the identity does not depend on a secret's value");
        try (Stream<Path> s = Files.walk(walDir.resolve(".walkeeper-pushed"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String content = Files.readString(p);
                assertFalse(content.contains("secret"), p + ": " + content);
            }
        }
    }

    @Test
    void overTheQueueLimitTheOldestSegmentIsDroppedLoudlyUntilTheQueueFits() throws Exception {
        Path repo = dir.resolve("repo");
        // 12 ready segments of 1 MiB; at most 10 MiB may wait: the first three calls drop theirs
        cli.env("WALKEEPER_STORAGE", "file://" + repo).env("WALKEEPER_ARCHIVE_QUEUE_MAX", "10MiB")
                .env("WALKEEPER_WAL_PUSH_AHEAD", "0");
        for (int i = 0; i < 4; i++) {
            String s = segments.get(i);
            CliHarness.Result r = cli.startIn(data, "wal-push", "pg_wal/" + s).await();
            assertEquals(0, r.exitCode(), s + ": " + r);
            assertEquals(i < 2, r.stderr().contains("WAL DROPPED: " + s + " was NOT archived"), s + ": " + r);
            Files.move(walDir.resolve("archive_status/" + s + ".ready"), walDir.resolve("archive_status/" + s + ".done"));
        }
        assertEquals(List.of(segments.get(2), segments.get(3)), walKeys(repo).stream().map(k -> k.substring(0, 24)).toList());
        assertArchivedIn(repo, segments.subList(2, 4));
    }

    /** A 1 MiB segment whose long header matches its name. */
    private static byte[] segment(String name, long seed) {
        long segNo = Long.parseLong(name.substring(8, 16), 16) * (0x1_0000_0000L / SEG) + Long.parseLong(name.substring(16), 16);
        byte[] b = new byte[(int) SEG];
        Random r = new Random(seed);
        for (int i = 64; i < b.length; i += 16) {
            b[i] = (byte) r.nextInt(4);
        }
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        h.putShort(0, (short) 0xD110).putShort(2, (short) 0x0002).putInt(4, 1).putLong(8, segNo * SEG)
                .putLong(24, SYSID).putInt(32, (int) SEG).putInt(36, 8192);
        return b;
    }
}
