package io.walkeeper.pgfixture;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Describes a {@link PostgresCluster}; obtained from {@link PostgresCluster#builder()}. Every
 * setting has a default. Not thread-safe; {@link #build()} may be called more than once and
 * each call makes an independent cluster.
 */
public final class PostgresClusterBuilder {
    private Path binDir;
    private Path dataDir;
    private Path logFile;
    private int port;
    private int walSegmentSizeMb;
    private boolean dataChecksums = true;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private String archiveCommand;
    private Duration startTimeout = PostgresCluster.DEFAULT_START_TIMEOUT;

    PostgresClusterBuilder() {
    }

    /**
     * Sets the server binary directory (default: {@link PgBinaries#discover()}).
     *
     * @param dir a directory holding {@code initdb}, {@code pg_ctl} and {@code postgres}
     * @return this builder
     */
    public PostgresClusterBuilder binDir(Path dir) {
        this.binDir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
        return this;
    }

    /**
     * Sets the data directory (default: {@code data} in a fresh temporary directory, deleted by
     * {@link PostgresCluster#close()}). It must be absent or empty for
     * {@link PostgresCluster#initdb()}. A supplied data directory is never deleted by the fixture.
     * When this JVM is root, its parents must be traversable by the {@code postgres} OS account.
     *
     * @param dir the data directory
     * @return this builder
     */
    public PostgresClusterBuilder dataDir(Path dir) {
        this.dataDir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
        return this;
    }

    /**
     * Sets the server log file (default: {@code postgres.log} next to the data directory; give
     * clusters whose data directories share a parent a log file each).
     *
     * @param file the log file, appended to
     * @return this builder
     */
    public PostgresClusterBuilder logFile(Path file) {
        this.logFile = Objects.requireNonNull(file, "file").toAbsolutePath();
        return this;
    }

    /**
     * Sets the TCP port (default: a free port on 127.0.0.1).
     *
     * @param port 1 to 65535, or 0 for a free port
     * @return this builder
     * @throws IllegalArgumentException if the port is out of range
     */
    public PostgresClusterBuilder port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Cannot use port " + port + ": expected 0 (free port) to 65535");
        }
        this.port = port;
        return this;
    }

    /**
     * Sets the WAL segment size passed to {@code initdb --wal-segsize}.
     *
     * @param megabytes a power of two from 1 to 1024, or 0 for PostgreSQL's default (16)
     * @return this builder
     * @throws IllegalArgumentException for other sizes
     */
    public PostgresClusterBuilder walSegmentSizeMb(int megabytes) {
        if (megabytes < 0 || megabytes > 1024 || (megabytes & (megabytes - 1)) != 0) {
            throw new IllegalArgumentException("Cannot use a WAL segment size of " + megabytes
                    + " MB: expected a power of two from 1 to 1024, or 0 for the default");
        }
        this.walSegmentSizeMb = megabytes;
        return this;
    }

    /**
     * Sets whether {@code initdb} enables data checksums (default on).
     *
     * @param enabled {@code true} for {@code --data-checksums}
     * @return this builder
     */
    public PostgresClusterBuilder dataChecksums(boolean enabled) {
        this.dataChecksums = enabled;
        return this;
    }

    /**
     * Adds a server setting, written after (and so overriding) the fixture's own settings.
     *
     * @param key the setting name, e.g. {@code archive_timeout}
     * @param value its value, unquoted, e.g. {@code 60s}
     * @return this builder
     */
    public PostgresClusterBuilder setting(String key, String value) {
        settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Sets the initial {@code archive_command}; see {@link PostgresCluster#archiveCommand(String)}.
     *
     * @param command the shell command, or {@code null} for archiving off (the default)
     * @return this builder
     */
    public PostgresClusterBuilder archiveCommand(String command) {
        this.archiveCommand = command;
        return this;
    }

    /**
     * Sets how long start and stop may take (default {@link PostgresCluster#DEFAULT_START_TIMEOUT}).
     *
     * @param timeout at least one second
     * @return this builder
     * @throws IllegalArgumentException if shorter than one second
     */
    public PostgresClusterBuilder startTimeout(Duration timeout) {
        if (timeout.toSeconds() < 1) {
            throw new IllegalArgumentException("Cannot use a start timeout under one second: " + timeout);
        }
        this.startTimeout = timeout;
        return this;
    }

    /**
     * Creates the cluster object and its private directories (a temporary base directory unless a
     * data directory was given, and a short socket directory under {@code /tmp}). It neither runs
     * {@code initdb} nor starts the server.
     *
     * @return the cluster
     * @throws ClusterException if no binaries are found or a directory cannot be created
     */
    public PostgresCluster build() {
        Settings s = new Settings(binDir != null ? binDir : PgBinaries.discover(), logFile,
                port != 0 ? port : freePort(), walSegmentSizeMb, dataChecksums, Collections.unmodifiableMap(new LinkedHashMap<>(settings)),
                archiveCommand, startTimeout);
        List<Path> owned = new ArrayList<>();
        try {
            Path data = dataDir;
            if (data == null) {
                Path base = Files.createTempDirectory("walkeeper-pg-");
                owned.add(base);
                PostgresOsUser.grant(base, false);
                data = base.resolve("data");
            }
            Path socket = Files.createTempDirectory(shortTempRoot(), "wkpg");
            owned.add(socket);
            PostgresOsUser.grant(socket, false);
            return new PostgresCluster(s, data, socket, owned);
        } catch (IOException e) {
            owned.forEach(FileTrees::deleteRecursively);
            throw new ClusterException("Cannot create the directories of a test cluster: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            owned.forEach(FileTrees::deleteRecursively);
            throw e;
        }
    }

    /** The chosen settings, resolved by {@link #build()}. */
    record Settings(Path binDir, Path logFile, int port, int walSegmentSizeMb, boolean dataChecksums,
            Map<String, String> settings, String archiveCommand, Duration startTimeout) {
    }

    /** Unix socket paths are limited to about 107 bytes, so the socket directory must be short. */
    private static Path shortTempRoot() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir", "/tmp"));
        return tmp.toString().length() <= 20 && Files.isDirectory(tmp) ? tmp : Path.of("/tmp");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new ClusterException("Cannot find a free TCP port on 127.0.0.1: " + e.getMessage(), e);
        }
    }
}
