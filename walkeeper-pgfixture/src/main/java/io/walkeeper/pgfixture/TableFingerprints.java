package io.walkeeper.pgfixture;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Computes {@link PostgresCluster#fingerprint()} and {@link PostgresCluster#unloggedTables()}. */
final class TableFingerprints {
    private static final String TABLES = "SELECT n.nspname, c.relname, c.relpersistence"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind = 'r' AND c.relpersistence IN ('p', 'u')"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
            + " ORDER BY 1, 2";

    private final SortedMap<String, String> logged = new TreeMap<>();
    private final SortedSet<String> unlogged = new TreeSet<>();

    private TableFingerprints() {
    }

    /** Lists the tables of every database; computes the fingerprints only if {@code hash} is set. */
    static TableFingerprints of(PostgresCluster cluster, boolean hash) {
        TableFingerprints result = new TableFingerprints();
        for (String db : cluster.databases()) {
            try (Connection c = cluster.connect(db); Statement st = c.createStatement()) {
                List<String[]> tables = new ArrayList<>();
                try (ResultSet rs = st.executeQuery(TABLES)) {
                    while (rs.next()) {
                        tables.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                    }
                }
                for (String[] t : tables) {
                    String key = db + "." + t[0] + "." + t[1];
                    if ("u".equals(t[2])) {
                        result.unlogged.add(key);
                    } else if (hash) {
                        result.logged.put(key, fingerprint(st, t[0], t[1]));
                    }
                }
            } catch (SQLException e) {
                throw new ClusterException("Cannot fingerprint the tables of database " + db + " on port "
                        + cluster.port() + ": " + e.getMessage(), e);
            }
        }
        return result;
    }

    private static String fingerprint(Statement st, String schema, String table) throws SQLException {
        String sql = "SELECT count(*), md5(string_agg(t::text, ',' ORDER BY t::text)) FROM "
                + ident(schema) + "." + ident(table) + " t";
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            String md5 = rs.getString(2);
            return rs.getLong(1) + ":" + (md5 == null ? "" : md5);
        }
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    SortedMap<String, String> logged() {
        return logged;
    }

    SortedSet<String> unlogged() {
        return unlogged;
    }
}
