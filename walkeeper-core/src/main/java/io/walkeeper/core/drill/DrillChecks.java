package io.walkeeper.core.drill;

import io.walkeeper.api.DrillCheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The checks a drill runs on the promoted server: {@code pg_amcheck} and a query of the caller's. */
final class DrillChecks {
    static final String AMCHECK = "pg_amcheck";
    static final String SQL = "sql";
    private static final int OUTPUT_LINES = 20;

    private DrillChecks() {
    }

    /**
     * Runs {@code pg_amcheck --all --install-missing} from the server's bin directory (heap and
     * B-tree checks of every database; it installs the {@code amcheck} extension in the drill's
     * copy where it is missing). Skipped when the directory holds no {@code pg_amcheck}
     * (PostgreSQL 12 and 13).
     *
     * @param binDir the server's bin directory
     * @param server the running drill server
     * @param role the role to connect as
     * @param timeout how long it may take
     * @return the check
     */
    static DrillCheck amcheck(Path binDir, DrillServer server, String role, Duration timeout) throws InterruptedException {
        Path tool = binDir.resolve("pg_amcheck");
        if (!Files.isExecutable(tool)) {
            return new DrillCheck(AMCHECK, DrillCheck.Status.SKIPPED, "no pg_amcheck in " + binDir
                    + " (PostgreSQL 14 and later ship it)", Duration.ZERO);
        }
        long started = System.nanoTime();
        List<String> cmd = List.of(tool.toString(), "--host", server.socketDirectory().toString(), "--port",
                Integer.toString(server.port()), "--username", role, "--no-password", "--all", "--install-missing");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
            Path out = Files.createTempFile(server.socketDirectory(), "amcheck", ".out");
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            p.getOutputStream().close();
            boolean done = p.waitFor(Math.max(1, timeout.toSeconds()), TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8).strip();
            Files.deleteIfExists(out);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            if (!done) {
                return new DrillCheck(AMCHECK, DrillCheck.Status.FAILED, "pg_amcheck did not finish within "
                        + timeout.toSeconds() + " s (HINT: give the drill a longer timeout)", elapsed);
            }
            if (p.exitValue() == 0) {
                return new DrillCheck(AMCHECK, DrillCheck.Status.PASSED, "pg_amcheck --all found no corruption in the "
                        + "tables and B-tree indexes of every database", elapsed);
            }
            return new DrillCheck(AMCHECK, DrillCheck.Status.FAILED, "pg_amcheck exited with " + p.exitValue()
                    + (p.exitValue() == 2 ? " (corruption found)" : "") + ": " + firstLines(output), elapsed);
        } catch (IOException e) {
            return new DrillCheck(AMCHECK, DrillCheck.Status.FAILED, "cannot run " + tool + ": " + e.getMessage(),
                    Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /**
     * Runs the caller's query: it must succeed, and when its first row's first column is a
     * boolean, that must be true.
     *
     * @param server the running drill server
     * @param role the role to connect as
     * @param database the database
     * @param sql the query
     * @param timeout how long it may take
     * @return the check
     */
    static DrillCheck sql(DrillServer server, String role, String database, String sql, Duration timeout) {
        long started = System.nanoTime();
        try (Connection c = server.connect(role, database); Statement st = c.createStatement()) {
            st.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toSeconds())));
            boolean rows = st.execute(sql);
            String shown = "'" + oneLine(sql) + "' in database " + database;
            if (rows) {
                try (ResultSet rs = st.getResultSet()) {
                    if (rs.next()) {
                        String value = rs.getString(1);
                        int type = rs.getMetaData().getColumnType(1);
                        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                        if ((type == Types.BOOLEAN || type == Types.BIT) && !rs.getBoolean(1)) {
                            return new DrillCheck(SQL, DrillCheck.Status.FAILED, shown + " returned " + value
                                    + ", not true", elapsed);
                        }
                        return new DrillCheck(SQL, DrillCheck.Status.PASSED, shown + " returned " + value, elapsed);
                    }
                }
            }
            return new DrillCheck(SQL, DrillCheck.Status.PASSED, shown + " ran without error",
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (SQLException e) {
            return new DrillCheck(SQL, DrillCheck.Status.FAILED, "'" + oneLine(sql) + "' in database " + database
                    + " failed: " + oneLine(String.valueOf(e.getMessage())), Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private static String oneLine(String s) {
        String t = s.strip().replaceAll("\\s+", " ");
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }

    private static String firstLines(String output) {
        List<String> lines = new ArrayList<>(output.lines().toList());
        if (lines.size() > OUTPUT_LINES) {
            int more = lines.size() - OUTPUT_LINES;
            lines = new ArrayList<>(lines.subList(0, OUTPUT_LINES));
            lines.add("(" + more + " more lines)");
        }
        return String.join("\n", lines);
    }
}
