package io.walkeeper.api;

/**
 * The request is invalid as given: a malformed WAL file name, a directory that is not the server's data directory, a restore target that is not empty, and so on. Nothing was changed.
 */
public class InvalidRequestException extends WalKeeperException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was attempted, on which object, and what to do next
     */
    public InvalidRequestException(String message) {
        super(ErrorCode.INVALID_REQUEST, message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was attempted, on which object, and what to do next
     * @param cause the underlying failure
     */
    public InvalidRequestException(String message, Throwable cause) {
        super(ErrorCode.INVALID_REQUEST, message, cause);
    }
}
