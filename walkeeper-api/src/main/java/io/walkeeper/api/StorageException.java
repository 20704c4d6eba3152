package io.walkeeper.api;

/**
 * The storage back end failed: an I/O error, a network failure, missing permissions or a missing
 * bucket. {@link #isRetryable()} tells whether trying the same call again may succeed.
 */
public class StorageException extends WalKeeperException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    /**
     * Creates the exception.
     *
     * @param message what was attempted, on which object, and what to do next
     * @param cause the underlying failure, or {@code null}
     * @param retryable whether the same call may succeed when tried again
     */
    public StorageException(String message, Throwable cause, boolean retryable) {
        super(ErrorCode.STORAGE, message, cause);
        this.retryable = retryable;
    }

    /**
     * Creates a non-retryable storage exception.
     *
     * @param message what was attempted, on which object, and what to do next
     * @param cause the underlying failure, or {@code null}
     */
    public StorageException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * Tells whether trying the same call again may succeed (throttling, time-outs, 5xx).
     *
     * @return {@code true} when a retry makes sense
     */
    public boolean isRetryable() {
        return retryable;
    }
}
