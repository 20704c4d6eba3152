package io.walkeeper.core;

import java.util.Objects;

/**
 * How to reach the PostgreSQL server to back up: host, port, user, optional password and
 * database, as libpq's {@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGPASSWORD} and
 * {@code PGDATABASE}. Immutable.
 *
 * @param host a host name or IP address, or a Unix socket directory (starting with {@code /}) as in libpq
 * @param port the TCP port
 * @param user the role; it needs superuser rights or EXECUTE on the backup functions
 * @param password the password, or {@code null} (never logged)
 * @param database the database to connect to
 */
public record PgConnection(String host, int port, String user, String password, String database) {

    /** Checks the fields. */
    public PgConnection {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        database = database == null || database.isEmpty() ? "postgres" : database;
        if (port <= 0 || port > 65535) {
            throw new io.walkeeper.api.ConfigurationException("PostgreSQL port " + port + " is out of range 1..65535");
        }
    }

    /**
     * A connection without password to database {@code postgres}.
     *
     * @param host the host
     * @param port the port
     * @param user the role
     * @return the settings
     */
    public static PgConnection of(String host, int port, String user) {
        return new PgConnection(host, port, user, null, "postgres");
    }

    /**
     * Returns a copy with a password.
     *
     * @param value the password
     * @return the new settings
     */
    public PgConnection withPassword(String value) {
        return new PgConnection(host, port, user, value, database);
    }

    /**
     * Returns a copy for another database.
     *
     * @param value the database name
     * @return the new settings
     */
    public PgConnection withDatabase(String value) {
        return new PgConnection(host, port, user, password, value);
    }

    /** Prints the settings without the password. */
    @Override
    public String toString() {
        return user + "@" + host + ":" + port + "/" + database;
    }
}
