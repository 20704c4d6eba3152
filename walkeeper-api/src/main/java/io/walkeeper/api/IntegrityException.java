package io.walkeeper.api;

/**
 * A stored object is corrupt, truncated or tampered with: its checksum, framing or content does not match what was recorded. The message names the object.
 */
public class IntegrityException extends WalKeeperException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was attempted, on which object, and what to do next
     */
    public IntegrityException(String message) {
        super(ErrorCode.INTEGRITY, message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was attempted, on which object, and what to do next
     * @param cause the underlying failure
     */
    public IntegrityException(String message, Throwable cause) {
        super(ErrorCode.INTEGRITY, message, cause);
    }
}
