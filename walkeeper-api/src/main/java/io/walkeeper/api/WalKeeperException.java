package io.walkeeper.api;

import java.util.Objects;

/**
 * Root of every exception walkeeper throws. Unchecked, so one {@code catch} covers all of them;
 * subclasses name the kind of failure and {@link #errorCode()} gives a stable code for scripts.
 * Messages say what was attempted, on which object, and what to do next.
 */
public class WalKeeperException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    /**
     * Creates an exception.
     *
     * @param errorCode the stable code
     * @param message what was attempted, on which object, and what to do next
     * @param cause the underlying failure, or {@code null}
     */
    public WalKeeperException(ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    /**
     * Creates an exception without a cause.
     *
     * @param errorCode the stable code
     * @param message what was attempted, on which object, and what to do next
     */
    public WalKeeperException(ErrorCode errorCode, String message) {
        this(errorCode, message, null);
    }

    /**
     * Returns the stable error code of this failure.
     *
     * @return the code, never {@code null}
     */
    public ErrorCode errorCode() {
        return errorCode;
    }
}
