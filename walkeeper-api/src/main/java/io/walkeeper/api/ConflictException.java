package io.walkeeper.api;

/**
 * Another operation changed or holds what this one needs, for example a concurrent writer of the same backup.
 */
public class ConflictException extends WalKeeperException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was attempted, on which object, and what to do next
     */
    public ConflictException(String message) {
        super(ErrorCode.CONFLICT, message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was attempted, on which object, and what to do next
     * @param cause the underlying failure
     */
    public ConflictException(String message, Throwable cause) {
        super(ErrorCode.CONFLICT, message, cause);
    }
}
