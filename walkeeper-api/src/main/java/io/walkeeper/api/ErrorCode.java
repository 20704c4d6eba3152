package io.walkeeper.api;

/**
 * Stable error codes carried by every {@link WalKeeperException}. The command-line tool turns the
 * code into its process exit status ({@link #exitCode()}); the numbers never change meaning
 * between releases. All exit codes stay in 1..125, which PostgreSQL reads as "not available" from
 * a {@code restore_command} and "retry later" from an {@code archive_command}; the CLI's
 * {@code wal-fetch} alone leaves that range, on purpose, when recovery must stop (see its
 * documentation).
 */
public enum ErrorCode {
    /** An unexpected failure that no other code describes. */
    INTERNAL(1),
    /** The command line could not be parsed. Raised by the CLI only. */
    USAGE(2),
    /** A setting is missing, unknown or malformed. */
    CONFIGURATION(3),
    /** The requested WAL file, backup or object does not exist in the repository. */
    NOT_FOUND(4),
    /** An object exists already with different content; nothing was overwritten. */
    ALREADY_EXISTS(5),
    /** A stored object is corrupt, truncated or was tampered with. */
    INTEGRITY(6),
    /** The storage back end failed (I/O error, network, permissions). */
    STORAGE(7),
    /** PostgreSQL refused a request or is not in the expected state. */
    POSTGRES(8),
    /** The request itself is invalid: a bad WAL name, a wrong or non-empty directory, … */
    INVALID_REQUEST(9),
    /** Another operation holds or changed what this one needs. */
    CONFLICT(10),
    /** The operation was interrupted before it finished; nothing was committed. */
    INTERRUPTED(11);

    private final int exitCode;

    ErrorCode(int exitCode) {
        this.exitCode = exitCode;
    }

    /**
     * Returns the process exit status the CLI uses for this code.
     *
     * @return a number between 1 and 125
     */
    public int exitCode() {
        return exitCode;
    }
}
