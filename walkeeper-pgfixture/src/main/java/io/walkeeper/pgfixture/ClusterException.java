package io.walkeeper.pgfixture;

/**
 * A test PostgreSQL cluster, one of its tools or a command run on its behalf failed. Unchecked;
 * the message names what was attempted and, for commands, the command line, its exit code and
 * the tail of its output (and of the server log where it helps).
 */
public class ClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was attempted, on which object, and what to do next
     */
    public ClusterException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was attempted, on which object, and what to do next
     * @param cause the underlying failure
     */
    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
