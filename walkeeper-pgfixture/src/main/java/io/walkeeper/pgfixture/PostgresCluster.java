package io.walkeeper.pgfixture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, throw-away PostgreSQL server for integration tests and demonstrations: {@code initdb},
 * start, SQL, {@code pgbench} load, a data fingerprint to compare a restored cluster with its
 * original, and cleanup on {@link #close()}.
 *
 * <p>The server listens on {@code 127.0.0.1} and on a Unix socket in a private short directory
 * under {@code /tmp}, accepts the superuser {@value #SUPERUSER} without a password, archives WAL
 * with the command set by {@link #archiveCommand(String)} (archiving is off if none is set) and
 * keeps PostgreSQL's durability defaults. Its settings go into a marked block at the end of
 * {@code postgresql.conf}, rewritten before every start, so a data directory restored from
 * another cluster's backup runs with this fixture's port and socket directory.
 *
 * <p>PostgreSQL refuses to run as root. When this JVM is root, server programs and client tools
 * run as the {@code postgres} OS account through {@code runuser} (the account is created if
 * missing), and the directories they use are handed to it; see {@link #runningAsRoot()},
 * {@link #grantToPostgresUser(Path)} and {@link #fixOwnership(Path)}.
 *
 * <pre>{@code
 * try (PostgresCluster pg = PostgresCluster.builder().build()) {
 *     pg.archiveCommand("cp %p /archive/%f").initdb().start();
 *     pg.pgbenchInit(1);
 *     Map<String, String> before = pg.fingerprint();
 * }
 * }</pre>
 *
 * <p>Lifecycle methods are not thread-safe; the SQL helpers open one connection per call and may
 * be used from several threads.
 */
public final class PostgresCluster implements AutoCloseable {
    /** The superuser {@code initdb} creates; it connects without a password. */
    public static final String SUPERUSER = "postgres";
    /** The database the single-argument SQL helpers use. */
    public static final String DEFAULT_DATABASE = "postgres";
    /** How long {@link #start()} and {@link #stop()} wait by default. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);

    private static final Logger LOG = LoggerFactory.getLogger(PostgresCluster.class);
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final Duration TOOL_GRACE = Duration.ofMinutes(2);
    private static final int LOG_LINES_IN_ERRORS = 40;

    private final Path binDir;
    private final Path dataDir;
    private final Path socketDir;
    private final Path logFile;
    private final int port;
    private final int walSegmentSizeMb;
    private final boolean dataChecksums;
    private final Map<String, String> settings;
    private final Duration startTimeout;
    private final List<Path> ownedDirs;
    private final Thread shutdownHook;
    private volatile String archiveCommand;
    private volatile boolean closed;

    PostgresCluster(PostgresClusterBuilder.Settings b, Path dataDir, Path socketDir, List<Path> ownedDirs) {
        this.binDir = b.binDir();
        this.dataDir = dataDir;
        this.socketDir = socketDir;
        this.logFile = b.logFile() != null ? b.logFile().toAbsolutePath() : dataDir.getParent().resolve("postgres.log");
        this.port = b.port();
        this.walSegmentSizeMb = b.walSegmentSizeMb();
        this.dataChecksums = b.dataChecksums();
        this.settings = b.settings();
        this.startTimeout = b.startTimeout();
        this.ownedDirs = List.copyOf(ownedDirs);
        this.archiveCommand = b.archiveCommand();
        this.shutdownHook = new Thread(this::closeQuietly, "stop PostgreSQL on port " + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts describing a cluster. Every setting has a default: discovered binaries
     * ({@link PgBinaries#discover()}), a fresh temporary data directory, a free port, the default
     * WAL segment size and data checksums on.
     *
     * @return a new builder
     */
    public static PostgresClusterBuilder builder() {
        return new PostgresClusterBuilder();
    }

    /**
     * Describes a cluster over an existing data directory, such as one a restore wrote, ready for
     * {@link #start()}. Fixes the directory's ownership and mode first ({@link #fixOwnership(Path)}).
     * The directory is not deleted on {@link #close()}.
     *
     * @param dataDir the data directory
     * @param binDir the server binaries matching the directory's major version, or {@code null}
     *     to discover them
     * @param port the port to listen on, or 0 for a free one
     * @return the cluster, not yet started
     */
    public static PostgresCluster existing(Path dataDir, Path binDir, int port) {
        fixOwnership(dataDir);
        PostgresClusterBuilder b = builder().dataDir(dataDir).port(port);
        if (binDir != null) {
            b.binDir(binDir);
        }
        return b.build();
    }

    /**
     * Tells whether this JVM runs as root ({@code id -u} is 0, or {@code user.name} is root), in
     * which case PostgreSQL programs run as the {@code postgres} OS account.
     *
     * @return {@code true} if running as root
     */
    public static boolean runningAsRoot() {
        return PostgresOsUser.runningAsRoot();
    }

    /**
     * Wraps a command so it runs as the {@code postgres} OS account when this JVM is root
     * ({@code runuser -u postgres -- …}); otherwise returns it unchanged. Creates the account if
     * it is missing.
     *
     * @param command the program and its arguments
     * @return the command to run
     */
    public static List<String> asPostgresUser(List<String> command) {
        return PostgresOsUser.wrap(command);
    }

    /**
     * Makes a data directory usable by the server: when root, gives it (recursively) to the
     * {@code postgres} OS account; in every case sets its mode to 0700, as PostgreSQL requires.
     * Use it on a directory this JVM wrote, such as a restored backup. {@link #start()} calls it.
     *
     * @param dataDir the data directory
     * @throws ClusterException if the directory is missing or cannot be changed
     */
    public static void fixOwnership(Path dataDir) {
        if (!Files.isDirectory(dataDir)) {
            throw new ClusterException("Cannot fix the ownership of " + dataDir + ": it is not a directory");
        }
        PostgresOsUser.grant(dataDir, true);
        try {
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new ClusterException("Cannot set mode 0700 on " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Gives a directory (recursively) to the account the server runs as, e.g. the WAL archive
     * directory an {@code archive_command} writes. Does nothing unless this JVM is root. Every
     * parent of the directory must be traversable by that account.
     *
     * @param dir the directory
     * @throws ClusterException if the account still cannot write to the directory
     */
    public void grantToPostgresUser(Path dir) {
        PostgresOsUser.grant(dir, true);
        PostgresOsUser.requireWritable(dir, "a directory for the postgres OS account");
    }

    /**
     * Creates the cluster with {@code initdb} (superuser {@value #SUPERUSER}, trust
     * authentication, UTF8, no locale, data checksums unless disabled, the chosen WAL segment
     * size) and writes the fixture's settings to {@code postgresql.conf}.
     *
     * @return this cluster
     * @throws ClusterException if the data directory already holds a cluster or initdb fails
     */
    public PostgresCluster initdb() {
        checkOpen();
        if (isInitialized()) {
            throw new ClusterException("Cannot initdb in " + dataDir + ": it already holds a cluster (PG_VERSION exists)");
        }
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create data directory " + dataDir, e);
        }
        PostgresOsUser.grant(dataDir, false);
        PostgresOsUser.requireWritable(dataDir, "a data directory");
        List<String> cmd = new ArrayList<>(List.of(tool("initdb"), "-D", dataDir.toString(), "-U", SUPERUSER,
                "-A", "trust", "--encoding", "UTF8", "--no-locale"));
        if (dataChecksums) {
            cmd.add("--data-checksums");
        }
        if (walSegmentSizeMb > 0) {
            cmd.add("--wal-segsize=" + walSegmentSizeMb);
        }
        CommandRunner.run(asPostgresUser(cmd), INITDB_TIMEOUT);
        ConfigBlock.write(dataDir, effectiveSettings());
        LOG.info("Initialised a PostgreSQL cluster in {} with {}", dataDir, binDir);
        return this;
    }

    /**
     * Makes a streaming standby of this running cluster in {@code standbyDataDir}: reserves a
     * physical replication slot, takes a base backup with the low-level API (so that it works with
     * server binaries that ship without {@code pg_basebackup}) and writes what
     * {@code pg_basebackup -R} writes ({@code standby.signal}, {@code primary_conninfo},
     * {@code primary_slot_name}). Tablespaces are not copied.
     *
     * @param standbyDataDir an absent or empty directory
     * @param slot the name of the replication slot to create and stream through
     * @return a builder with this cluster's binaries and the standby's data directory; add
     *     settings, build and start it
     * @throws ClusterException if the backup cannot be taken
     */
    public PostgresClusterBuilder standby(Path standbyDataDir, String slot) {
        checkOpen();
        StandbyCopy.copy(this, standbyDataDir, slot);
        return builder().binDir(binDir).dataDir(standbyDataDir);
    }

    /**
     * Tells whether the data directory holds a cluster ({@code PG_VERSION} exists).
     *
     * @return {@code true} after {@link #initdb()} or a restore
     */
    public boolean isInitialized() {
        return Files.isRegularFile(dataDir.resolve("PG_VERSION"));
    }

    /**
     * Sets the {@code archive_command}. Before the first start this decides whether archiving is
     * on: with a command, {@code archive_mode = on}; without one, {@code off}. While the server
     * runs, the new command is loaded with a configuration reload, but switching
     * {@code archive_mode} needs a {@link #restart()}.
     *
     * @param command the shell command ({@code %p} and {@code %f} placeholders), or {@code null}
     *     to turn archiving off at the next start
     * @return this cluster
     */
    public PostgresCluster archiveCommand(String command) {
        this.archiveCommand = command;
        if (isInitialized()) {
            ConfigBlock.write(dataDir, effectiveSettings());
            if (isRunning()) {
                queryString("SELECT pg_reload_conf()");
            }
        }
        return this;
    }

    /**
     * Returns the archive command set with {@link #archiveCommand(String)}.
     *
     * @return the command, or empty if archiving is off
     */
    public Optional<String> archiveCommand() {
        return Optional.ofNullable(archiveCommand);
    }

    /**
     * Starts the server and waits until it accepts connections ({@code pg_ctl start -w}).
     *
     * @return this cluster
     * @throws ClusterException if there is no cluster, it is already running, or it does not come
     *     up within the start timeout; the message holds the tail of the server log
     */
    public PostgresCluster start() {
        checkOpen();
        if (!isInitialized()) {
            throw new ClusterException("Cannot start PostgreSQL: " + dataDir
                    + " holds no cluster (call initdb() first, or restore a backup into it)");
        }
        if (isRunning()) {
            throw new ClusterException("Cannot start PostgreSQL in " + dataDir + ": it is already running");
        }
        prepareRuntimeFiles();
        ConfigBlock.write(dataDir, effectiveSettings());
        List<String> cmd = List.of(tool("pg_ctl"), "start", "-D", dataDir.toString(), "-l", logFile.toString(),
                "-w", "-t", Long.toString(startTimeout.toSeconds()), "-s");
        CommandResult result;
        try {
            result = CommandRunner.runAllowingFailure(asPostgresUser(cmd), startTimeout.plus(TOOL_GRACE));
        } catch (ClusterException e) {
            throw new ClusterException(e.getMessage() + logSection(), e);
        }
        if (!result.succeeded()) {
            throw new ClusterException("Cannot start PostgreSQL in " + dataDir + " on port " + port
                    + ": pg_ctl exited with code " + result.exitCode() + "\n" + result.output().trim() + logSection());
        }
        LOG.info("Started PostgreSQL on port {} (data {}, log {})", port, dataDir, logFile);
        return this;
    }

    /**
     * Stops the server in fast mode (active transactions are rolled back, a shutdown checkpoint is
     * written) and waits for it to exit. Does nothing if it is not running.
     *
     * @return this cluster
     * @throws ClusterException if the server does not stop
     */
    public PostgresCluster stop() {
        stopWith("fast");
        return this;
    }

    /**
     * Stops the server in immediate mode (no shutdown checkpoint: the next start runs crash
     * recovery), as a crash would. Does nothing if it is not running.
     *
     * @return this cluster
     * @throws ClusterException if the server does not stop
     */
    public PostgresCluster stopImmediate() {
        stopWith("immediate");
        return this;
    }

    /**
     * Stops the server in fast mode if it runs, then starts it with freshly written settings.
     *
     * @return this cluster
     * @throws ClusterException as {@link #stop()} and {@link #start()}
     */
    public PostgresCluster restart() {
        stop();
        return start();
    }

    /**
     * Tells whether a server is running on the data directory ({@code pg_ctl status}).
     *
     * @return {@code true} if it runs
     */
    public boolean isRunning() {
        if (!Files.exists(dataDir.resolve("postmaster.pid"))) {
            return false;
        }
        List<String> cmd = List.of(tool("pg_ctl"), "status", "-D", dataDir.toString());
        return CommandRunner.runAllowingFailure(asPostgresUser(cmd), QUICK).succeeded();
    }

    /**
     * Stops the server immediately if it runs and deletes the temporary directories this fixture
     * created (never a data directory the caller supplied). Idempotent; failures are logged.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closeQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down and runs the hook itself
        }
    }

    private void closeQuietly() {
        try {
            if (isRunning()) {
                stopImmediate();
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot stop PostgreSQL on port {} in {}: {}", port, dataDir, e.getMessage());
        }
        for (Path dir : ownedDirs) {
            try {
                FileTrees.deleteRecursively(dir);
            } catch (RuntimeException e) {
                LOG.warn("Cannot delete {}: {}", dir, e.getMessage());
            }
        }
    }

    /**
     * Returns the JDBC URL of a database, connecting as {@value #SUPERUSER} over TCP.
     *
     * @param database the database name
     * @return e.g. {@code jdbc:postgresql://127.0.0.1:54321/postgres?user=postgres}
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/"
                + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20") + "?user=" + SUPERUSER;
    }

    /**
     * Opens a JDBC connection to a database; the caller closes it.
     *
     * @param database the database name
     * @return an auto-commit connection
     * @throws ClusterException if the server cannot be reached
     */
    public Connection connect(String database) {
        try {
            return DriverManager.getConnection(jdbcUrl(database));
        } catch (SQLException e) {
            throw new ClusterException("Cannot connect to database " + database + " on port " + port + ": "
                    + e.getMessage() + " (is the cluster started?)", e);
        }
    }

    /**
     * Runs a query in the {@value #DEFAULT_DATABASE} database and returns the first column of its
     * first row.
     *
     * @param sql the query
     * @return the value as text, or {@code null} for SQL NULL
     * @throws ClusterException if the query fails or returns no rows
     */
    public String queryString(String sql) {
        return queryString(DEFAULT_DATABASE, sql);
    }

    /**
     * Runs a query in a database and returns the first column of its first row.
     *
     * @param database the database name
     * @param sql the query
     * @return the value as text, or {@code null} for SQL NULL
     * @throws ClusterException if the query fails or returns no rows
     */
    public String queryString(String database, String sql) {
        try (Connection c = connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new ClusterException("Query returned no rows in database " + database + ": " + sql);
            }
            return rs.getString(1);
        } catch (SQLException e) {
            throw sqlFailure(database, sql, e);
        }
    }

    /**
     * Runs a query in the {@value #DEFAULT_DATABASE} database and returns the first column of its
     * first row as a number.
     *
     * @param sql the query
     * @return the value
     * @throws ClusterException if the query fails, returns no rows or a value that is not an integer
     */
    public long queryLong(String sql) {
        return queryLong(DEFAULT_DATABASE, sql);
    }

    /**
     * Runs a query in a database and returns the first column of its first row as a number.
     *
     * @param database the database name
     * @param sql the query
     * @return the value
     * @throws ClusterException if the query fails, returns no rows or a value that is not an integer
     */
    public long queryLong(String database, String sql) {
        String value = queryString(database, sql);
        try {
            return Long.parseLong(Objects.requireNonNull(value, "NULL").trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new ClusterException("Query returned '" + value + "', not an integer, in database " + database
                    + ": " + sql, e);
        }
    }

    /**
     * Runs one SQL statement in the {@value #DEFAULT_DATABASE} database, in auto-commit mode.
     *
     * @param sql the statement
     * @throws ClusterException if it fails
     */
    public void execute(String sql) {
        execute(DEFAULT_DATABASE, sql);
    }

    /**
     * Runs one SQL statement in a database, in auto-commit mode (so {@code CREATE DATABASE} and
     * {@code VACUUM} work).
     *
     * @param database the database name
     * @param sql the statement
     * @throws ClusterException if it fails
     */
    public void execute(String database, String sql) {
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw sqlFailure(database, sql, e);
        }
    }

    /**
     * Lists the databases that are not templates.
     *
     * @return their names, sorted
     */
    public List<String> databases() {
        String sql = "SELECT datname FROM pg_database WHERE NOT datistemplate AND datallowconn ORDER BY 1";
        try (Connection c = connect(DEFAULT_DATABASE); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return List.copyOf(names);
        } catch (SQLException e) {
            throw sqlFailure(DEFAULT_DATABASE, sql, e);
        }
    }

    /**
     * Runs an SQL script with {@code psql} ({@code ON_ERROR_STOP}, unaligned tuples-only output),
     * for scripts with several statements or psql meta-commands.
     *
     * @param database the database name
     * @param script the script, fed on standard input
     * @return psql's output
     * @throws ClusterException if psql fails
     */
    public String psql(String database, String script) {
        List<String> cmd = List.of(clientTool("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", SUPERUSER, "-d", database, "-f", "-");
        return CommandRunner.run(asPostgresUser(cmd), Duration.ofMinutes(10), script).output();
    }

    /**
     * Creates and fills the pgbench tables in the {@value #DEFAULT_DATABASE} database
     * ({@code pgbench -i -s scale}); scale 1 is 100,000 rows in {@code pgbench_accounts}.
     *
     * @param scale the scale factor
     * @throws ClusterException if pgbench fails
     */
    public void pgbenchInit(int scale) {
        pgbenchInit(scale, new String[0]);
    }

    /**
     * Creates and fills the pgbench tables with further {@code pgbench -i} options, e.g.
     * {@code "--partitions=50"} to split {@code pgbench_accounts} into 50 range partitions of
     * consecutive {@code aid}s.
     *
     * @param scale the scale factor
     * @param options further initialisation options, placed before the database name
     * @throws ClusterException if pgbench fails
     */
    public void pgbenchInit(int scale, String... options) {
        List<String> args = new ArrayList<>(List.of("-i", "-q", "-s", Integer.toString(scale)));
        args.addAll(List.of(options));
        CommandRunner.run(asPostgresUser(pgbench(args.toArray(String[]::new))), TOOL_GRACE.plusSeconds(20L * scale));
    }

    /**
     * Runs the pgbench TPC-B-like workload and waits for it to finish.
     *
     * @param clients concurrent client sessions
     * @param seconds how long to run
     * @return pgbench's summary
     * @throws ClusterException if pgbench fails
     */
    public PgbenchResult pgbenchRun(int clients, int seconds) {
        return pgbenchStart(clients, seconds).await();
    }

    /**
     * Starts the pgbench workload in the background, e.g. to write WAL while a backup runs.
     *
     * @param clients concurrent client sessions
     * @param seconds how long to run at most
     * @return a handle to wait for or stop the run
     * @throws ClusterException if pgbench cannot start
     */
    public PgbenchRun pgbenchStart(int clients, int seconds) {
        List<String> cmd = pgbench("-c", Integer.toString(clients), "-j", Integer.toString(Math.min(clients, 2)),
                "-T", Integer.toString(seconds));
        return new PgbenchRun(CommandRunner.start(asPostgresUser(cmd), false), TOOL_GRACE.plusSeconds(seconds));
    }

    /**
     * Starts the pgbench workload in the background with further pgbench options, e.g.
     * {@code "-R", "100"} to limit it to 100 transactions a second, so that the load is steady
     * and leaves most pages of a large table untouched.
     *
     * @param clients concurrent client sessions
     * @param seconds how long to run at most
     * @param options further pgbench options, placed before the database name
     * @return a handle to wait for or stop the run
     * @throws ClusterException if pgbench cannot start
     */
    public PgbenchRun pgbenchStart(int clients, int seconds, String... options) {
        List<String> args = new ArrayList<>(List.of("-c", Integer.toString(clients), "-j", Integer.toString(Math.min(clients, 2)),
                "-T", Integer.toString(seconds)));
        args.addAll(List.of(options));
        List<String> cmd = pgbench(args.toArray(String[]::new));
        return new PgbenchRun(CommandRunner.start(asPostgresUser(cmd), false), TOOL_GRACE.plusSeconds(seconds));
    }

    private List<String> pgbench(String... args) {
        List<String> cmd = new ArrayList<>(List.of(clientTool("pgbench"), "-h", "127.0.0.1", "-p",
                Integer.toString(port), "-U", SUPERUSER));
        cmd.addAll(List.of(args));
        cmd.add(DEFAULT_DATABASE);
        return cmd;
    }

    /**
     * Fingerprints the data of every permanent user table in every non-template database:
     * {@code "db.schema.table" -> "count:md5"}, where the md5 is over the table's rows as text in
     * sorted order. Two clusters with equal fingerprints hold the same data. Unlogged tables are
     * left out (a restore brings them back empty); see {@link #unloggedTables()}.
     *
     * @return the fingerprints, sorted by key
     * @throws ClusterException if a query fails
     */
    public SortedMap<String, String> fingerprint() {
        return TableFingerprints.of(this, true).logged();
    }

    /**
     * Lists the unlogged tables {@link #fingerprint()} leaves out.
     *
     * @return {@code "db.schema.table"} names, sorted
     */
    public SortedSet<String> unloggedTables() {
        return TableFingerprints.of(this, false).unlogged();
    }

    /**
     * Returns the server's major version: from {@code server_version_num} while it runs, else
     * from the data directory's {@code PG_VERSION}.
     *
     * @return e.g. 15
     */
    public int majorVersion() {
        if (isRunning()) {
            return (int) (queryLong("SHOW server_version_num") / 10000);
        }
        try {
            return Integer.parseInt(Files.readString(dataDir.resolve("PG_VERSION")).trim());
        } catch (IOException | NumberFormatException e) {
            return PgBinaries.majorVersion(binDir);
        }
    }

    /**
     * Returns the last lines of the server log.
     *
     * @param lines how many lines
     * @return the lines, or an empty string if there is no log yet
     */
    public String logTail(int lines) {
        return FileTrees.tail(logFile, lines);
    }

    /**
     * Returns the TCP port the server listens on (on {@code 127.0.0.1}).
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Returns the data directory.
     *
     * @return an absolute path
     */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Returns the directory of the server binaries.
     *
     * @return the directory holding {@code initdb}, {@code pg_ctl} and {@code postgres}
     */
    public Path binDir() {
        return binDir;
    }

    /**
     * Returns the directory of the server's Unix socket.
     *
     * @return a short private directory under {@code /tmp}
     */
    public Path socketDir() {
        return socketDir;
    }

    /**
     * Returns the server log file that {@code pg_ctl -l} appends to.
     *
     * @return by default {@code postgres.log} next to the data directory
     */
    public Path logFile() {
        return logFile;
    }

    @Override
    public String toString() {
        return "PostgresCluster[port=" + port + ", dataDir=" + dataDir + ", binDir=" + binDir + "]";
    }

    private Map<String, String> effectiveSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("port", Integer.toString(port));
        s.put("listen_addresses", "127.0.0.1");
        s.put("unix_socket_directories", socketDir.toString());
        s.put("wal_level", "replica");
        s.put("max_wal_senders", "2");
        s.put("logging_collector", "off");
        String command = archiveCommand;
        s.put("archive_mode", command == null ? "off" : "on");
        if (command != null) {
            s.put("archive_command", command);
        }
        s.putAll(settings);
        return s;
    }

    private void prepareRuntimeFiles() {
        try {
            Files.createDirectories(socketDir);
            if (!Files.exists(logFile)) {
                Files.createDirectories(logFile.getParent());
                Files.createFile(logFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the socket directory or log file of " + dataDir, e);
        }
        PostgresOsUser.grant(socketDir, false);
        PostgresOsUser.grant(logFile, false);
        fixOwnership(dataDir);
    }

    private void stopWith(String mode) {
        if (!isRunning()) {
            return;
        }
        List<String> cmd = List.of(tool("pg_ctl"), "stop", "-D", dataDir.toString(), "-m", mode, "-w",
                "-t", Long.toString(startTimeout.toSeconds()), "-s");
        CommandResult result = CommandRunner.runAllowingFailure(asPostgresUser(cmd), startTimeout.plus(TOOL_GRACE));
        if (!result.succeeded() && isRunning()) {
            throw new ClusterException("Cannot stop PostgreSQL (" + mode + ") in " + dataDir + ": pg_ctl exited with code "
                    + result.exitCode() + "\n" + result.output().trim() + logSection());
        }
        LOG.info("Stopped PostgreSQL on port {} ({} mode)", port, mode);
    }

    private String logSection() {
        return "\n--- last lines of " + logFile + " ---\n" + logTail(LOG_LINES_IN_ERRORS);
    }

    private ClusterException sqlFailure(String database, String sql, SQLException e) {
        return new ClusterException("SQL failed in database " + database + " on port " + port + ": " + sql + " -> "
                + e.getMessage(), e);
    }

    private String tool(String name) {
        return binDir.resolve(name).toString();
    }

    private String clientTool(String name) {
        return PgBinaries.clientTool(binDir, name).toString();
    }

    private void checkOpen() {
        if (closed) {
            throw new ClusterException("Cannot use " + this + ": it was closed");
        }
    }
}
