package io.walkeeper.pgfixture;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs external commands with a time limit and captures their combined output. Commands run in
 * the root directory with the caller's environment minus every {@code PG…} variable, so that a
 * developer's {@code PGDATA}, {@code PGPORT} or {@code PGHOST} cannot redirect a tool to another
 * server. Thread-safe: every call starts its own process.
 */
public final class CommandRunner {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);

    private CommandRunner() {
    }

    /**
     * Runs a command and requires it to succeed.
     *
     * @param command the program and its arguments
     * @param timeout how long to wait before killing the command
     * @return the result, whose exit code is 0
     * @throws ClusterException if the command cannot start, times out or exits with a non-zero
     *     code; the message names the command, its exit code and its output
     */
    public static CommandResult run(List<String> command, Duration timeout) {
        return runAllowingFailure(command, timeout, null).requireSuccess();
    }

    /**
     * Runs a command with the given standard input and requires it to succeed.
     *
     * @param command the program and its arguments
     * @param timeout how long to wait before killing the command
     * @param stdin text written to the command's standard input (UTF-8), or {@code null} for none
     * @return the result, whose exit code is 0
     * @throws ClusterException if the command cannot start, times out or exits with a non-zero code
     */
    public static CommandResult run(List<String> command, Duration timeout, String stdin) {
        return runAllowingFailure(command, timeout, stdin).requireSuccess();
    }

    /**
     * Runs a command and returns its result whatever its exit code, for commands whose exit code
     * is an answer (such as {@code pg_ctl status}).
     *
     * @param command the program and its arguments
     * @param timeout how long to wait before killing the command
     * @return the result
     * @throws ClusterException if the command cannot start or times out
     */
    public static CommandResult runAllowingFailure(List<String> command, Duration timeout) {
        return runAllowingFailure(command, timeout, null);
    }

    /**
     * Runs a command with the given standard input and returns its result whatever its exit code.
     *
     * @param command the program and its arguments
     * @param timeout how long to wait before killing the command
     * @param stdin text written to the command's standard input (UTF-8), or {@code null} for none
     * @return the result
     * @throws ClusterException if the command cannot start or times out
     */
    public static CommandResult runAllowingFailure(List<String> command, Duration timeout, String stdin) {
        RunningCommand running = start(command, stdin != null);
        if (stdin != null) {
            try (OutputStream in = running.process().getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                LOG.debug("Command {} closed its standard input early: {}", command, e.toString());
            }
        }
        return running.await(timeout);
    }

    /**
     * Starts a command in the background with its output captured.
     *
     * @param command the program and its arguments
     * @param withStdin whether the caller will write standard input (else it is empty)
     * @return the running command
     */
    static RunningCommand start(List<String> command, boolean withStdin) {
        List<String> copy = List.copyOf(command);
        LOG.debug("Running {}", copy);
        ProcessBuilder builder = new ProcessBuilder(copy)
                .directory(new File("/"))
                .redirectErrorStream(true);
        if (!withStdin) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("PG"));
        try {
            return new RunningCommand(copy, builder.start());
        } catch (IOException e) {
            throw new ClusterException("Cannot start command " + String.join(" ", copy) + ": " + e.getMessage()
                    + " (is the program installed and executable?)", e);
        }
    }
}
