package io.walkeeper.core.drill;

import io.walkeeper.core.pg.UnixDomainSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The drill's PostgreSQL server: {@code postgres} started directly as a child process on a
 * restored data directory, with settings on its command line (which win over the backup's
 * configuration files) that isolate it: {@code archive_mode = off}, no {@code primary_conninfo}
 * nor slot, no synchronous standbys, no SSL, listening on a free loopback port that accepts no
 * connection ({@code pg_hba.conf} of its own allows only its socket, in the drill's private
 * directory). It logs to a file with millisecond UTC time stamps in English, which the drill
 * reads for the moment of consistency and the WAL restored.
 */
final class DrillServer {
    /** Settings the drill sets itself; a request cannot replace them. */
    static final Set<String> ENFORCED = Set.of("port", "listen_addresses", "unix_socket_directories",
            "unix_socket_permissions", "hba_file", "ident_file", "archive_mode", "primary_conninfo", "primary_slot_name",
            "hot_standby", "synchronous_standby_names", "logging_collector", "log_destination", "lc_messages",
            "log_line_prefix", "log_timezone", "ssl", "external_pid_file", "cluster_name", "data_directory",
            "config_file", "restore_command", "recovery_target_action");

    private static final Logger LOG = LoggerFactory.getLogger(DrillServer.class);
    private static final Pattern RESTORED = Pattern.compile("restored log file \"([0-9A-F]{24})\" from archive");
    private static final Pattern STAMP = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) UTC ");
    private static final DateTimeFormatter STAMP_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final Path binDir;
    private final Path dataDir;
    private final Path runDir;
    private final Path logFile;
    private final OsAccount account;
    private final int port;
    private Process process;

    DrillServer(Path binDir, Path dataDir, Path runDir, Path logFile, OsAccount account) throws IOException {
        this.binDir = binDir;
        this.dataDir = dataDir;
        this.runDir = runDir;
        this.logFile = logFile;
        this.account = account;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            this.port = s.getLocalPort();
        }
    }

    /** @return the port the server listens on */
    int port() {
        return port;
    }

    /** @return the directory of its socket */
    Path socketDirectory() {
        return runDir;
    }

    /**
     * Writes the server's own authentication files into the run directory: local socket
     * connections are trusted (only this account and root can reach the socket), TCP is refused.
     * A data directory without {@code postgresql.conf} (Debian keeps it in {@code /etc}) gets an
     * empty one.
     */
    void writeConfiguration() throws IOException {
        Files.writeString(runDir.resolve("pg_hba.conf"), "# walkeeper restore drill: the socket only\n"
                + "local all all trust\nhost all all 0.0.0.0/0 reject\nhost all all ::/0 reject\n");
        Files.writeString(runDir.resolve("pg_ident.conf"), "");
        Path conf = dataDir.resolve("postgresql.conf");
        if (!Files.exists(conf)) {
            Files.writeString(conf, "# written by a walkeeper restore drill: the backup holds no postgresql.conf\n");
        }
    }

    /**
     * The command line that starts the server.
     *
     * @param extra settings from the request, given before the drill's own
     * @return the program and its arguments
     */
    List<String> command(Map<String, String> extra) {
        Map<String, String> s = new LinkedHashMap<>(extra);
        s.put("port", Integer.toString(port));
        s.put("listen_addresses", "127.0.0.1");
        s.put("unix_socket_directories", runDir.toString());
        s.put("unix_socket_permissions", "0700");
        s.put("hba_file", runDir.resolve("pg_hba.conf").toString());
        s.put("ident_file", runDir.resolve("pg_ident.conf").toString());
        s.put("archive_mode", "off");
        s.put("primary_conninfo", "");
        s.put("primary_slot_name", "");
        s.put("hot_standby", "on");
        s.put("synchronous_standby_names", "");
        s.put("ssl", "off");
        s.put("external_pid_file", "");
        s.put("cluster_name", "walkeeper-drill");
        s.put("logging_collector", "off");
        s.put("log_destination", "stderr");
        s.put("lc_messages", "C");
        s.put("log_line_prefix", "%m [%p] ");
        s.put("log_timezone", "UTC");
        List<String> cmd = new ArrayList<>(List.of(binDir.resolve("postgres").toString(), "-D", dataDir.toString()));
        s.forEach((k, v) -> {
            cmd.add("-c");
            cmd.add(k + "=" + v);
        });
        return cmd;
    }

    /**
     * Starts the server; it runs until {@link #stop(Duration)}.
     *
     * @param extra settings from the request
     */
    void start(Map<String, String> extra) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(account.wrap(command(extra)));
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.directory(runDir.toFile());
        process = pb.start();
        process.getOutputStream().close();
        LOG.info("Started the drill server (PostgreSQL in {}, socket in {}, port {}, log {})", dataDir, runDir, port, logFile);
    }

    /** @return whether the server process still runs */
    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Connects through the server's socket.
     *
     * @param role the role
     * @param database the database
     * @return a new connection
     * @throws SQLException if the server does not accept it (yet)
     */
    Connection connect(String role, String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", role);
        props.setProperty("ApplicationName", "walkeeper-drill");
        props.setProperty("connectTimeout", "10");
        props.setProperty("sslmode", "disable");
        props.setProperty("socketFactory", UnixDomainSocketFactory.class.getName());
        props.setProperty("socketFactoryArg", UnixDomainSocketFactory.socketFile(runDir.toString(), port).toString());
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database, props);
    }

    /** @return the server log so far */
    String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Finds when the server logged that recovery reached a consistent state.
     *
     * @param log the server log
     * @return the time, or {@code null} if it did not
     */
    static Instant consistentAt(String log) {
        for (String line : log.split("\n")) {
            if (line.contains("consistent recovery state reached")) {
                Matcher m = STAMP.matcher(line);
                if (m.find()) {
                    return LocalDateTime.parse(m.group(1), STAMP_FORMAT).toInstant(ZoneOffset.UTC);
                }
            }
        }
        return null;
    }

    /**
     * Lists the WAL segments the server restored from the archive, in order.
     *
     * @param log the server log
     * @return segment names
     */
    static List<String> restoredSegments(String log) {
        List<String> out = new ArrayList<>();
        for (Matcher m = RESTORED.matcher(log); m.find(); ) {
            out.add(m.group(1));
        }
        return out;
    }

    /**
     * Picks the lines that say why the server stopped: its FATAL and PANIC messages, and the
     * errors the restore command printed; not the refusals of the drill's own connection
     * attempts while the server started.
     *
     * @param log the server log
     * @return at most five lines, without their time stamps
     */
    static List<String> problems(String log) {
        List<String> out = new ArrayList<>();
        for (String line : log.split("\n")) {
            String text = STAMP.matcher(line).replaceFirst("").replaceFirst("^\\[\\d+\\] ", "").strip();
            boolean polled = text.contains("the database system is starting up")
                    || text.contains("the database system is not yet accepting connections")
                    || text.contains("the database system is shutting down");
            if (!polled && (text.startsWith("FATAL:") || text.startsWith("PANIC:") || text.startsWith("ERROR: "))) {
                if (!out.contains(text)) {
                    out.add(text);
                }
            }
        }
        return out.size() > 5 ? out.subList(out.size() - 5, out.size()) : out;
    }

    /**
     * Stops the server in fast mode with {@code pg_ctl} and waits for it to exit; kills what is
     * left if it does not. Does nothing if it has stopped already.
     *
     * @param patience how long to wait for a clean stop
     */
    void stop(Duration patience) throws InterruptedException {
        if (process == null) {
            return;
        }
        if (process.isAlive()) {
            Path pgCtl = binDir.resolve("pg_ctl");
            if (Files.isExecutable(pgCtl)) {
                try {
                    Process stop = new ProcessBuilder(account.wrap(List.of(pgCtl.toString(), "stop", "-D", dataDir.toString(),
                            "-m", "fast", "-w", "-t", Long.toString(patience.toSeconds()))))
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                            .directory(runDir.toFile()).start();
                    if (!stop.waitFor(patience.toSeconds() + 10, TimeUnit.SECONDS)) {
                        stop.destroyForcibly();
                    }
                } catch (IOException e) {
                    LOG.warn("Cannot run {} to stop the drill server: {}", pgCtl, e.getMessage());
                }
            } else {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
            }
        }
        if (!process.waitFor(patience.toSeconds(), TimeUnit.SECONDS)) {
            LOG.warn("The drill server in {} did not stop within {} s: killing it", dataDir, patience.toSeconds());
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
