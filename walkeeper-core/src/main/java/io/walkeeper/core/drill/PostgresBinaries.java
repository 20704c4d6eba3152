package io.walkeeper.core.drill;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.WalKeeperException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the {@code postgres} and {@code pg_ctl} of one major version: the directory given, else
 * Debian's {@code /usr/lib/postgresql/N/bin}, else the PGDG packages' {@code /usr/pgsql-N/bin}.
 * The version is checked with {@code postgres --version}: a server of another major version cannot
 * start on the restored data directory.
 */
final class PostgresBinaries {
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)");

    private PostgresBinaries() {
    }

    /**
     * Locates the binaries.
     *
     * @param explicit the directory asked for, or {@code null}
     * @param major the backup's major version, e.g. 15
     * @return a directory holding an executable {@code postgres} of that version
     * @throws ConfigurationException if none is found, or the one given is of another version
     */
    static Path locate(Path explicit, int major) {
        if (explicit != null) {
            Path dir = explicit.toAbsolutePath().normalize();
            if (!Files.isExecutable(dir.resolve("postgres"))) {
                throw new ConfigurationException("Cannot use PostgreSQL binaries from " + dir + ": it holds no executable "
                        + "postgres (HINT: give the bin directory of PostgreSQL " + major + ", e.g. /usr/lib/postgresql/"
                        + major + "/bin)");
            }
            int found = majorVersion(dir);
            if (found != major) {
                throw new ConfigurationException("Cannot drill a PostgreSQL " + major + " backup with the PostgreSQL "
                        + found + " binaries in " + dir + " (HINT: give the bin directory of PostgreSQL " + major + ")");
            }
            return dir;
        }
        List<Path> tried = new ArrayList<>();
        for (Path dir : List.of(Path.of("/usr/lib/postgresql", Integer.toString(major), "bin"),
                Path.of("/usr/pgsql-" + major, "bin"))) {
            tried.add(dir);
            if (Files.isExecutable(dir.resolve("postgres")) && majorVersion(dir) == major) {
                return dir;
            }
        }
        throw new ConfigurationException("Cannot find the binaries of PostgreSQL " + major + ", which the backup needs: "
                + "looked in " + tried + " (HINT: install PostgreSQL " + major + " on this host, or give its bin "
                + "directory, e.g. --pg-bin DIR)");
    }

    /**
     * Reads the major version of {@code dir/postgres} from {@code postgres --version}.
     *
     * @param dir a bin directory
     * @return the major version
     * @throws ConfigurationException if it cannot run or prints no version
     */
    static int majorVersion(Path dir) {
        Path postgres = dir.resolve("postgres");
        try {
            Process p = new ProcessBuilder(postgres.toString(), "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            Matcher m = VERSION.matcher(out);
            if (!m.find()) {
                throw new ConfigurationException("Cannot read the PostgreSQL version from '" + out.strip() + "' ("
                        + postgres + " --version)");
            }
            return Integer.parseInt(m.group(1));
        } catch (IOException e) {
            throw new ConfigurationException("Cannot run " + postgres + " --version: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WalKeeperException(ErrorCode.INTERRUPTED, "Interrupted while reading the version of " + postgres, e);
        }
    }
}
