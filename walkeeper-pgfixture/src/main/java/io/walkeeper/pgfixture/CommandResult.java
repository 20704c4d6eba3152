package io.walkeeper.pgfixture;

import java.util.List;

/**
 * The outcome of a finished command: its command line, exit code and combined standard output
 * and standard error. Immutable.
 *
 * @param command the command line that ran
 * @param exitCode the process exit code
 * @param output standard output and standard error, interleaved as the process wrote them
 */
public record CommandResult(List<String> command, int exitCode, String output) {

    /** Longest stretch of output quoted in an exception message. */
    static final int QUOTED_OUTPUT_CHARS = 4000;

    /**
     * Copies the command line.
     *
     * @param command the command line that ran
     * @param exitCode the process exit code
     * @param output the combined output; {@code null} is read as empty
     */
    public CommandResult {
        command = List.copyOf(command);
        output = output == null ? "" : output;
    }

    /**
     * Tells whether the command exited with code 0.
     *
     * @return {@code true} on success
     */
    public boolean succeeded() {
        return exitCode == 0;
    }

    /**
     * Returns this result if the command succeeded.
     *
     * @return this result
     * @throws ClusterException naming the command, its exit code and its output if the exit code
     *     is not 0
     */
    public CommandResult requireSuccess() {
        if (!succeeded()) {
            throw new ClusterException("Command failed with exit code " + exitCode + ": "
                    + String.join(" ", command) + "\n--- output ---\n" + tail(output, QUOTED_OUTPUT_CHARS));
        }
        return this;
    }

    static String tail(String text, int maxChars) {
        return text.length() <= maxChars ? text : "[...]" + text.substring(text.length() - maxChars);
    }
}
