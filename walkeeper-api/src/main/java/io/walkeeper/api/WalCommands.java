package io.walkeeper.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes the commands PostgreSQL runs to archive and fetch WAL with walkeeper's launcher
 * ({@code archive_command}, {@code restore_command}) exactly as the CLI writes them: the launcher
 * and the configuration file by absolute path, each quoted for {@code /bin/sh} (which PostgreSQL
 * runs them with) and every literal {@code %} doubled (PostgreSQL replaces {@code %f}, {@code %p}
 * and {@code %%}). Settings travel in the configuration file, so no secret appears in the
 * command, in {@code postgresql.auto.conf} or in the process list.
 *
 * <p>The server runs the command as its own OS user: the launcher and the configuration file
 * must be readable (and the launcher executable) by that user.
 *
 * <pre>{@code
 * RestoreRequest.of(BackupSelector.latest(), dataDir,
 *         WalCommands.restoreCommand(Path.of("/opt/walkeeper/bin/walkeeper"), Path.of("/etc/walkeeper.json")))
 * }</pre>
 */
public final class WalCommands {
    private WalCommands() {
    }

    /**
     * A {@code restore_command}: {@code '<launcher>' --config '<file>' wal-fetch %f %p}.
     *
     * @param launcher the {@code walkeeper} launcher ({@code bin/walkeeper} of the distribution)
     * @param configFile the configuration file with the repository's settings
     * @return the command
     */
    public static String restoreCommand(Path launcher, Path configFile) {
        return command(launcher, configFile, "wal-fetch %f %p");
    }

    /**
     * An {@code archive_command}: {@code '<launcher>' --config '<file>' wal-push %p}.
     *
     * @param launcher the {@code walkeeper} launcher
     * @param configFile the configuration file with the repository's settings
     * @return the command
     */
    public static String archiveCommand(Path launcher, Path configFile) {
        return command(launcher, configFile, "wal-push %p");
    }

    private static String command(Path launcher, Path configFile, String tail) {
        Objects.requireNonNull(launcher, "launcher");
        Objects.requireNonNull(configFile, "configFile");
        return escapePercent(quote(launcher.toAbsolutePath().toString())) + " --config "
                + escapePercent(quote(configFile.toAbsolutePath().toString())) + " " + tail;
    }

    /**
     * Quotes one word so that {@code sh} passes it through unchanged.
     *
     * @param word any text
     * @return the word in single quotes, inner single quotes written as {@code '\''}
     */
    public static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * Protects text from PostgreSQL's placeholder expansion in {@code archive_command} and
     * {@code restore_command}.
     *
     * @param text text that must reach the shell literally
     * @return the text with every {@code %} doubled
     */
    public static String escapePercent(String text) {
        return text.replace("%", "%%");
    }
}
