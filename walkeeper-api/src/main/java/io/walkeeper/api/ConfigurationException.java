package io.walkeeper.api;

/**
 * A setting is missing, unknown or malformed. Fix the configuration and try again.
 */
public class ConfigurationException extends WalKeeperException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was attempted, on which object, and what to do next
     */
    public ConfigurationException(String message) {
        super(ErrorCode.CONFIGURATION, message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was attempted, on which object, and what to do next
     * @param cause the underlying failure
     */
    public ConfigurationException(String message, Throwable cause) {
        super(ErrorCode.CONFIGURATION, message, cause);
    }
}
