package io.walkeeper.core.storage;

import java.io.IOException;

/**
 * A download that failed in transit and could not be resumed: the storage or the network, not
 * the object's content, is at fault.
 */
public final class StorageReadException extends IOException {
    private static final long serialVersionUID = 1L;

    StorageReadException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Finds a transfer failure in a chain of causes.
     *
     * @param t an exception
     * @return whether {@code t} or one of its causes is a {@link StorageReadException}
     */
    public static boolean in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StorageReadException) {
                return true;
            }
        }
        return false;
    }
}
