package io.walkeeper.api;

/**
 * An object already exists where a create-if-absent write was attempted; nothing was overwritten.
 */
public class AlreadyExistsException extends WalKeeperException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was attempted, on which object, and what to do next
     */
    public AlreadyExistsException(String message) {
        super(ErrorCode.ALREADY_EXISTS, message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was attempted, on which object, and what to do next
     * @param cause the underlying failure
     */
    public AlreadyExistsException(String message, Throwable cause) {
        super(ErrorCode.ALREADY_EXISTS, message, cause);
    }
}
