package io.walkeeper.core.restore;

import java.io.IOException;

/**
 * A failure to write the restore's own target (no space left, no permission, a sync the disk
 * refused), as opposed to a backup part that cannot be read: it says the target is at fault, not
 * the backup.
 */
final class TargetWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    TargetWriteException(String message, IOException cause) {
        super(message, cause);
    }

    /** Whether {@code t} or one of its causes is a failure to write the target. */
    static boolean in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TargetWriteException) {
                return true;
            }
        }
        return false;
    }
}
