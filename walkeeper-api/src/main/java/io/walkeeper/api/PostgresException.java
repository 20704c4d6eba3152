package io.walkeeper.api;

/**
 * PostgreSQL refused a request, could not be reached, or is not in the state the operation needs.
 */
public class PostgresException extends WalKeeperException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was attempted, on which object, and what to do next
     */
    public PostgresException(String message) {
        super(ErrorCode.POSTGRES, message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was attempted, on which object, and what to do next
     * @param cause the underlying failure
     */
    public PostgresException(String message, Throwable cause) {
        super(ErrorCode.POSTGRES, message, cause);
    }
}
