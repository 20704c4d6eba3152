package io.walkeeper.pgfixture;

import java.time.Duration;

/**
 * A {@code pgbench} run going on in the background, started by
 * {@link PostgresCluster#pgbenchStart(int, int)}: load on the server while a test takes a backup
 * or archives WAL. {@link #close()} stops it, so it can be used in try-with-resources.
 * Thread-safe.
 */
public final class PgbenchRun implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final RunningCommand command;
    private final Duration limit;

    PgbenchRun(RunningCommand command, Duration limit) {
        this.command = command;
        this.limit = limit;
    }

    /**
     * Tells whether pgbench is still running.
     *
     * @return {@code true} until it exits or is stopped
     */
    public boolean isAlive() {
        return command.isAlive();
    }

    /**
     * Waits for pgbench to finish its planned duration and returns its summary.
     *
     * @return the result
     * @throws ClusterException if pgbench fails (e.g. a client lost its connection) or does not
     *     finish within its duration plus a grace period
     */
    public PgbenchResult await() {
        return PgbenchResult.parse(command.await(limit).requireSuccess().output());
    }

    /**
     * Stops pgbench now (SIGTERM, then SIGKILL after a grace period) and waits for it to exit.
     * Does nothing if it already exited.
     *
     * @return pgbench's output so far (its summary is missing when it was interrupted)
     */
    public String stop() {
        return command.terminate(STOP_GRACE).output();
    }

    /** Stops pgbench; see {@link #stop()}. Idempotent. */
    @Override
    public void close() {
        stop();
    }
}
