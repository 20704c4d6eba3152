package io.walkeeper.pgfixture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A started process whose combined output a daemon thread collects. */
final class RunningCommand {
    private final List<String> command;
    private final Process process;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final Thread reader;

    RunningCommand(List<String> command, Process process) {
        this.command = command;
        this.process = process;
        this.reader = new Thread(this::drain, "output of " + command.get(0));
        reader.setDaemon(true);
        reader.start();
    }

    Process process() {
        return process;
    }

    List<String> command() {
        return command;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to exit; kills it and throws once the timeout has passed. */
    CommandResult await(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new ClusterException("Command timed out after " + timeout.toSeconds() + " s and was killed: "
                        + String.join(" ", command) + "\n--- output ---\n"
                        + CommandResult.tail(outputSoFar(), CommandResult.QUOTED_OUTPUT_CHARS));
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new ClusterException("Interrupted while waiting for " + String.join(" ", command), e);
        }
        return new CommandResult(command, process.exitValue(), outputSoFar());
    }

    /** Asks the process to terminate (SIGTERM), waits up to the grace period, then kills it. */
    CommandResult terminate(Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
        return new CommandResult(command, process.isAlive() ? -1 : process.exitValue(), outputSoFar());
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private String outputSoFar() {
        synchronized (output) {
            return output.toString(StandardCharsets.UTF_8);
        }
    }

    private void drain() {
        byte[] buffer = new byte[8192];
        try (InputStream in = process.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (output) {
                    output.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // the stream closes when the process is killed; what was read so far is kept
        }
    }
}
