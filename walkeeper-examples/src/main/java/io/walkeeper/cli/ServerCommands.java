package io.walkeeper.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes the shell commands PostgreSQL runs to archive and fetch WAL with this tool
 * ({@code archive_command}, {@code restore_command}). PostgreSQL runs them with {@code /bin/sh}
 * after replacing {@code %p}, {@code %f} and {@code %%}: every word is quoted for the shell and
 * every literal {@code %} doubled. Secrets never appear in them; a configuration file is passed by
 * its path.
 */
public final class ServerCommands {
    private ServerCommands() {
    }

    /**
     * A {@code restore_command}: {@code [KEY='value' …] '<launcher>' [--config '<file>'] wal-fetch %f %p}.
     *
     * @param launcher how to start this tool
     * @param configFile the configuration file, or {@code null}
     * @param environment settings to pass as environment assignments
     * @param unset variables to remove from the server's environment first ({@code env -u}), e.g.
     *     settings that would override the file
     * @return the command
     */
    public static String restoreCommand(Launcher launcher, Path configFile, Map<String, String> environment,
                                        List<String> unset) {
        return command(launcher, configFile, environment, unset, "wal-fetch %f %p");
    }

    /**
     * An {@code archive_command}: {@code [KEY='value' …] '<launcher>' [--config '<file>'] wal-push %p}.
     *
     * @param launcher how to start this tool
     * @param configFile the configuration file, or {@code null}
     * @param environment settings to pass as environment assignments
     * @param unset variables to remove from the server's environment first
     * @return the command
     */
    public static String archiveCommand(Launcher launcher, Path configFile, Map<String, String> environment,
                                        List<String> unset) {
        return command(launcher, configFile, environment, unset, "wal-push %p");
    }

    private static String command(Launcher launcher, Path configFile, Map<String, String> environment, List<String> unset,
                                  String tail) {
        StringBuilder sb = new StringBuilder();
        if (!unset.isEmpty()) {
            sb.append("env");
            for (String name : unset) {
                sb.append(" -u ").append(ShellWords.quote(name));
            }
            sb.append(' ');
        }
        sb.append(ShellWords.escapePercent(ShellWords.assignments(environment)));
        sb.append(ShellWords.escapePercent(launcher.toShell()));
        if (configFile != null) {
            sb.append(" --config ").append(ShellWords.escapePercent(ShellWords.quote(configFile.toAbsolutePath().toString())));
        }
        return sb.append(' ').append(tail).toString();
    }
}
