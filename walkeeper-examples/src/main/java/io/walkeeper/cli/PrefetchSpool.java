package io.walkeeper.cli;

import io.walkeeper.api.WalFileName;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.core.io.FileSync;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The WAL prefetch spool of one configuration: {@code pg_wal/.walkeeper-prefetch/<identity>/},
 * where the identity is the one that names push-ahead markers ({@link PushAheadIdentity}), so
 * that a spool filled from one repository or configuration is never read under another.
 *
 * <p>Files in it: segments under their bare names, each complete and verified (written by
 * {@link io.walkeeper.api.WalArchiver#prefetch}, renamed to its name only after verification and
 * fsync; the launcher and {@code wal-fetch} take only such names); {@value #REQUESTED}, the last
 * segment {@code wal-fetch} was asked for in a JVM; {@value #LOCK}, locked by the background
 * fetcher ({@code wal-prefetch}) for as long as it runs and holding its process id; and
 * {@value #LOG}, that fetcher's log.
 */
final class PrefetchSpool {
    /** The directory inside {@code pg_wal} that holds the spools, one per configuration identity. */
    static final String DIR = ".walkeeper-prefetch";
    static final String REQUESTED = ".requested";
    static final String LOCK = ".fetcher.lock";
    static final String LOG = ".fetcher.log";

    private final Path walDirectory;
    private final String identity;
    private final Path directory;

    PrefetchSpool(Path walDirectory, String identity) {
        this.walDirectory = walDirectory;
        this.identity = identity;
        this.directory = walDirectory.resolve(DIR).resolve(identity);
    }

    /** @return the spool directory */
    Path directory() {
        return directory;
    }

    /** @return the configuration identity naming it */
    String identity() {
        return identity;
    }

    /** @return the data directory: the parent of {@code pg_wal} */
    Path dataDirectory() {
        return walDirectory.getParent();
    }

    /**
     * The {@code pg_wal} directory a {@code restore_command} destination lies in.
     *
     * @param destination PostgreSQL's {@code %p}
     * @return the directory, or {@code null} when the destination is not directly in a {@code pg_wal}
     */
    static Path walDirectoryOf(Path destination) {
        Path parent = destination.toAbsolutePath().normalize().getParent();
        if (parent == null || parent.getFileName() == null || !parent.getFileName().toString().equals("pg_wal")
                || parent.getParent() == null) {
            return null;
        }
        return parent;
    }

    /**
     * Tells whether the server of a data directory is recovering: {@code recovery.signal} or
     * {@code standby.signal} exists (PostgreSQL removes the first when recovery ends, the second
     * on promotion).
     */
    static boolean inRecovery(Path dataDirectory) {
        return Files.exists(dataDirectory.resolve("recovery.signal")) || Files.exists(dataDirectory.resolve("standby.signal"));
    }

    /**
     * Removes the spools of every configuration but one.
     *
     * @param walDirectory the {@code pg_wal} directory
     * @param keep the identity whose spool stays, or {@code null} to remove all
     */
    static void removeOthers(Path walDirectory, String keep) throws IOException {
        Path root = walDirectory.resolve(DIR);
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.filter(d -> keep == null || !d.getFileName().toString().equals(keep)).toList()) {
                deleteTree(d);
            }
        }
        if (keep == null) {
            Files.deleteIfExists(root);
        }
    }

    /** Removes this spool (and the spools directory, when it is then empty). */
    void remove() throws IOException {
        deleteTree(directory);
        try {
            Files.deleteIfExists(directory.getParent());
        } catch (java.nio.file.DirectoryNotEmptyException othersRemain) {
            // another configuration's spool: its own fetcher or wal-fetch removes it
        }
    }

    private static void deleteTree(Path d) throws IOException {
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> files = Files.walk(d)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (NoSuchFileException | java.io.UncheckedIOException raced) {
            // removed at the same time by someone else
        }
    }

    /**
     * Moves a spooled segment onto the destination (a rename within {@code pg_wal}) and syncs the
     * directory.
     *
     * @param name the segment name ({@code %f}); anything but a segment name is never taken
     * @param destination PostgreSQL's {@code %p}
     * @return whether the spool held it
     */
    boolean take(String name, Path destination) throws IOException {
        if (!isSegment(name)) {
            return false;
        }
        Path spooled = directory.resolve(name);
        if (!Files.isRegularFile(spooled)) {
            return false;
        }
        Path target = destination.toAbsolutePath();
        try {
            Files.move(spooled, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException removedMeanwhile) {
            return false;
        }
        FileSync.directory(target.getParent());
        return true;
    }

    static boolean isSegment(String name) {
        try {
            return WalFileName.parse(name).kind() == WalFileName.Kind.SEGMENT;
        } catch (WalKeeperException e) {
            return false;
        }
    }

    /** Records the segment PostgreSQL asked for last, for the background fetcher; atomic. */
    void noteRequested(String name) throws IOException {
        createDirectory();
        Path tmp = directory.resolve("." + UUID.randomUUID() + ".requested.tmp");
        Files.writeString(tmp, name, StandardCharsets.US_ASCII);
        Files.move(tmp, directory.resolve(REQUESTED), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** @return the segment recorded by {@link #noteRequested}, if any and valid */
    Optional<String> requested() {
        try {
            String s = Files.readString(directory.resolve(REQUESTED), StandardCharsets.US_ASCII).trim();
            return isSegment(s) ? Optional.of(s) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void createDirectory() throws IOException {
        if (!Files.isDirectory(directory)) {
            for (Path d : new Path[] {directory.getParent(), directory}) {
                try {
                    Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (java.nio.file.FileAlreadyExistsException exists) {
                    // made by another process at the same time
                }
            }
        }
    }

    /**
     * Takes the fetcher's lock, without waiting.
     *
     * @return the lock (closing its channel releases it), or {@code null} when a fetcher holds it
     */
    FileLock tryLockFetcher() throws IOException {
        createDirectory();
        FileChannel ch = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
            }
            return lock;
        } catch (OverlappingFileLockException heldInThisJvm) {
            ch.close();
            return null;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** @return whether a background fetcher holds the lock now */
    boolean fetcherRunning() throws IOException {
        FileLock lock = tryLockFetcher();
        if (lock == null) {
            return true;
        }
        lock.channel().close();
        return false;
    }

    /**
     * Starts the background fetcher ({@code wal-prefetch}) in a new session, with the JVM
     * options and class path of this process, and the configuration file and environment in use.
     * It exits at once if another one holds the lock.
     *
     * @param configFile the configuration file in effect, if any
     * @param environment the environment variables the configuration was read from
     * @param requested the segment just asked for
     * @return the started process
     */
    Process startFetcher(Optional<Path> configFile, Map<String, String> environment, String requested) throws IOException {
        createDirectory();
        List<String> cmd = new ArrayList<>();
        for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(setsid))) {
                cmd.add(setsid); // its own session: no terminal signal or process-group kill aimed at wal-fetch reaches it
                break;
            }
        }
        cmd.add(Launcher.javaBinary().toString());
        String idProperty = "-D" + WalPushCommand.PUSH_AHEAD_ID + "=";
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // a long-running process: the full JIT compiler
            if (!a.startsWith("-XX:TieredStopAtLevel") && !a.startsWith(idProperty)) {
                cmd.add(a);
            }
        }
        cmd.add(idProperty + identity);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(WalKeeperCli.class.getName());
        configFile.ifPresent(f -> {
            cmd.add("--config");
            cmd.add(f.toAbsolutePath().toString());
        });
        cmd.add(WalPrefetchCommand.NAME);
        cmd.add(dataDirectory().toString());
        cmd.add(requested);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dataDirectory().toFile());
        pb.environment().clear();
        pb.environment().putAll(environment);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // its own log, not wal-fetch's standard error: a caller reading that to its end must not wait for the fetcher
        pb.redirectError(ProcessBuilder.Redirect.appendTo(directory.resolve(LOG).toFile()));
        return pb.start();
    }

    /** @return the segments spooled now, by name */
    List<String> spooledSegments() throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                if (isSegment(f)) {
                    out.add(f);
                }
            }
        }
        out.sort(null);
        return out;
    }
}
