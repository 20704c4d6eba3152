package io.walkeeper.core.pg;

import io.walkeeper.api.Lsn;
import io.walkeeper.api.PostgresException;
import io.walkeeper.api.TimelineId;
import io.walkeeper.core.PgConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

/**
 * One connection to PostgreSQL, held open for the whole backup: the non-exclusive backup API
 * requires start and stop on the same session. Chooses {@code pg_backup_start/stop} (15+) or
 * {@code pg_start_backup/pg_stop_backup} with {@code exclusive => false} (12 to 14).
 */
public final class PgSession implements BackupSession {
    private static final Logger LOG = LoggerFactory.getLogger(PgSession.class);
    /** SQLSTATE of an unrecognized configuration parameter. */
    private static final String UNDEFINED_OBJECT = "42704";
    private final Connection connection;
    private final PgConnection settings;
    private final int versionNum;

    private PgSession(Connection connection, PgConnection settings, int versionNum) {
        this.connection = connection;
        this.settings = settings;
        this.versionNum = versionNum;
    }

    /**
     * Connects.
     *
     * @param settings where to connect; a host starting with {@code /} is a Unix socket directory
     * @return the session
     * @throws PostgresException if the server cannot be reached or is older than 12
     */
    public static PgSession open(PgConnection settings) {
        Properties props = new Properties();
        props.setProperty("user", settings.user());
        if (settings.password() != null) {
            props.setProperty("password", settings.password());
        }
        props.setProperty("ApplicationName", "walkeeper");
        props.setProperty("connectTimeout", "30");
        props.setProperty("tcpKeepAlive", "true");
        String host = settings.host();
        if (host.startsWith("/")) {
            // a socket directory, as in libpq: talk to <dir>/.s.PGSQL.<port>
            props.setProperty("socketFactory", UnixDomainSocketFactory.class.getName());
            props.setProperty("socketFactoryArg", UnixDomainSocketFactory.socketFile(host, settings.port()).toString());
            host = "localhost";
        }
        String url = "jdbc:postgresql://" + hostForUrl(host) + ":" + settings.port() + "/" + settings.database();
        try {
            Connection c = connect(url, props);
            c.setAutoCommit(true);
            PgSession s = new PgSession(c, settings, 0);
            int v = Integer.parseInt(s.queryString("SELECT current_setting('server_version_num')"));
            if (v < 120000) {
                c.close();
                throw new PostgresException("PostgreSQL " + v + " at " + settings + " is not supported: walkeeper needs 12 or later");
            }
            // the session is idle while files are copied and may wait long for a checkpoint: a
            // timeout set for ordinary sessions would cancel the backup
            try (Statement st = c.createStatement()) {
                st.execute("SET statement_timeout = 0");
                st.execute("SET idle_in_transaction_session_timeout = 0");
                if (v >= 140000) {
                    st.execute("SET idle_session_timeout = 0");
                }
            }
            return new PgSession(c, settings, v);
        } catch (SQLException e) {
            throw new PostgresException("Cannot connect to PostgreSQL at " + settings + ": " + e.getMessage()
                    + " (HINT: check PGHOST, PGPORT, PGUSER, PGPASSWORD and that the server is running)", e);
        }
    }

    /**
     * Connects with the session timeouts turned off in the startup packet, so that not even the
     * moment between connecting and the first statement is exposed to a short
     * {@code idle_session_timeout}; PostgreSQL before 14 does not know that setting, and a pooler
     * may refuse startup options: each is retried without what it refused (the statements after
     * connecting turn the timeouts off then).
     */
    private static Connection connect(String url, Properties props) throws SQLException {
        String common = "-c statement_timeout=0 -c idle_in_transaction_session_timeout=0";
        props.setProperty("options", common + " -c idle_session_timeout=0");
        try {
            return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            if (!UNDEFINED_OBJECT.equals(e.getSQLState()) && !String.valueOf(e.getMessage()).contains("options")) {
                throw e;
            }
            LOG.debug("Connecting again without idle_session_timeout in the startup packet: {}", e.getMessage());
        }
        props.setProperty("options", common);
        try {
            return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            if (!String.valueOf(e.getMessage()).contains("options")) {
                throw e;
            }
            LOG.debug("Connecting again without startup options: {}", e.getMessage());
        }
        props.remove("options");
        return DriverManager.getConnection(url, props);
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** @return {@code server_version_num}, e.g. 150018 */
    @Override
    public int versionNum() {
        return versionNum;
    }

    /**
     * Runs a query that returns one text value.
     *
     * @param sql the query
     * @return the value
     */
    public String queryString(String sql) {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new PostgresException("Query returned no row: " + sql);
            }
            return rs.getString(1);
        } catch (SQLException e) {
            throw new PostgresException("Query failed on " + settings + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    /** @return the server's {@code data_directory} (needs superuser or pg_read_all_settings) */
    @Override
    public String dataDirectory() {
        return queryString("SELECT current_setting('data_directory')");
    }

    /** @return the cluster's system identifier */
    @Override
    public long systemIdentifier() {
        return Long.parseUnsignedLong(queryString("SELECT system_identifier::text FROM pg_control_system()"));
    }

    /** @return the WAL segment size in bytes */
    @Override
    public long walSegmentSize() {
        return Long.parseLong(queryString("SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'"));
    }

    /** @return the data page size in bytes */
    @Override
    public int blockSize() {
        return Integer.parseInt(queryString("SELECT current_setting('block_size')"));
    }

    /** @return blocks per relation segment file ({@code RELSEG_SIZE}, 131072 by default) */
    @Override
    public long blocksPerSegment() {
        return Long.parseLong(queryString("SELECT setting FROM pg_settings WHERE name = 'segment_size'"));
    }

    /** @return whether page checksums are on */
    @Override
    public boolean dataChecksums() {
        return "on".equals(queryString("SELECT current_setting('data_checksums')"));
    }

    /** @return whether the server is a standby */
    @Override
    public boolean inRecovery() {
        return Boolean.parseBoolean(queryString("SELECT pg_is_in_recovery()::text"));
    }

    /** @return {@code archive_mode} */
    @Override
    public String archiveMode() {
        return queryString("SELECT current_setting('archive_mode')");
    }

    /** @return the timeline of the latest checkpoint */
    @Override
    public TimelineId checkpointTimeline() {
        return TimelineId.of(Long.parseLong(queryString("SELECT timeline_id::text FROM pg_control_checkpoint()")));
    }

    /**
     * Starts a non-exclusive backup on this session.
     *
     * @param label the backup label
     * @param fast request an immediate checkpoint
     * @return the start LSN
     */
    @Override
    public Lsn startBackup(String label, boolean fast) {
        String sql = versionNum >= 150000 ? "SELECT pg_backup_start(?, ?)::text" : "SELECT pg_start_backup(?, ?, false)::text";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, label);
            ps.setBoolean(2, fast);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Lsn.parse(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new PostgresException("Cannot start backup on " + settings + ": " + e.getMessage()
                    + " (HINT: the role needs superuser rights or EXECUTE on the backup functions, and wal_level must be replica or logical)", e);
        }
    }

    /**
     * Stops the backup started on this session, without waiting for WAL archiving (the caller
     * checks the repository itself).
     *
     * @return the stop LSN, backup_label and tablespace_map
     */
    @Override
    public StopResult stopBackup() {
        String sql = versionNum >= 150000
                ? "SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(false)"
                : "SELECT lsn::text, labelfile, spcmapfile FROM pg_stop_backup(false, false)";
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            String map = rs.getString(3);
            return new StopResult(Lsn.parse(rs.getString(1)), rs.getString(2), map == null ? "" : map);
        } catch (SQLException e) {
            throw new PostgresException("Cannot stop backup on " + settings + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<ChangedBlocks> changedBlocks(TimelineId timeline, Lsn from, Lsn to) {
        if (versionNum < 170000) {
            return Optional.empty();
        }
        try {
            return new WalSummaries(connection).read(timeline, from, to);
        } catch (SQLException e) {
            LOG.info("Reading every block of the delta: the WAL summaries from {} to {} cannot be read on {}: {}", from,
                    to, settings, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public String server() {
        return settings.toString();
    }

    @Override
    public Optional<String> statsTempDirectory() {
        if (versionNum >= 150000) {
            return Optional.empty();
        }
        String dir = queryString("SELECT current_setting('stats_temp_directory')");
        return dir.startsWith("/") ? Optional.empty() : Optional.of(dir);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing aborts a running backup on the server, which is what we want on failure
        }
    }
}
