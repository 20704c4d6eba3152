package io.walkeeper.api;

/**
 * The WAL file, backup or stored object asked for does not exist. For WAL fetches this is an ordinary outcome and is reported by a result value instead.
 */
public class NotFoundException extends WalKeeperException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was attempted, on which object, and what to do next
     */
    public NotFoundException(String message) {
        super(ErrorCode.NOT_FOUND, message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was attempted, on which object, and what to do next
     * @param cause the underlying failure
     */
    public NotFoundException(String message, Throwable cause) {
        super(ErrorCode.NOT_FOUND, message, cause);
    }
}
