package io.walkeeper.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What the command-line tool takes from the process it runs in: environment variables, the home
 * directory, the OS user name and how to start this tool again (for the {@code restore_command}
 * it writes). {@link #system()} reads the real process; tests and the demo pass their own, so
 * nothing below the CLI's entry point reads the environment.
 *
 * @param variables environment variables
 * @param home the home directory, or {@code null} if unknown
 * @param userName the OS user name, the default of {@code PGUSER}
 * @param launcher how PostgreSQL should start this tool
 */
public record HostEnvironment(Map<String, String> variables, Path home, String userName, Launcher launcher) {

    /** Copies the variables. */
    public HostEnvironment {
        variables = Map.copyOf(variables);
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(launcher, "launcher");
    }

    /**
     * Reads the environment of this process.
     *
     * @return the real environment
     */
    public static HostEnvironment system() {
        String home = System.getProperty("user.home");
        return new HostEnvironment(System.getenv(), home == null || home.isEmpty() || home.equals("?") ? null : Path.of(home),
                System.getProperty("user.name", "postgres"), Launcher.current());
    }

    /**
     * Returns a copy with other variables.
     *
     * @param values the variables
     * @return the new environment
     */
    public HostEnvironment withVariables(Map<String, String> values) {
        return new HostEnvironment(values, home, userName, launcher);
    }

    /**
     * Returns a copy with another launcher.
     *
     * @param value how PostgreSQL should start this tool
     * @return the new environment
     */
    public HostEnvironment withLauncher(Launcher value) {
        return new HostEnvironment(variables, home, userName, value);
    }
}
