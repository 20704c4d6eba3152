package io.walkeeper.api;

import java.util.Objects;

/**
 * Chooses one backup from the catalogue: the latest, one by name, or the newest that can serve
 * as the base for recovery to a given target. Immutable.
 */
public final class BackupSelector {
    private final String name;
    private final RecoveryTarget target;

    private BackupSelector(String name, RecoveryTarget target) {
        this.name = name;
        this.target = target;
    }

    /**
     * The newest completed backup.
     *
     * @return the selector
     */
    public static BackupSelector latest() {
        return new BackupSelector(null, null);
    }

    /**
     * The backup with this name. {@code LATEST} (any case) means {@link #latest()}, as in WAL-G.
     *
     * @param name a backup name such as {@code base_000000010000000000000019}
     * @return the selector
     */
    public static BackupSelector named(String name) {
        Objects.requireNonNull(name, "name");
        if (name.equalsIgnoreCase("LATEST")) {
            return latest();
        }
        return new BackupSelector(name, null);
    }

    /**
     * The newest backup that finished before the recovery target: before the target time, or
     * with its stop LSN at or before the target LSN. For targets that carry no position
     * (transaction id, restore-point name, immediate, latest) this is the newest backup.
     *
     * @param target the recovery target
     * @return the selector
     */
    public static BackupSelector before(RecoveryTarget target) {
        return new BackupSelector(null, Objects.requireNonNull(target, "target"));
    }

    /**
     * Returns the backup name asked for.
     *
     * @return the name, or {@code null} when not selecting by name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the recovery target the backup must precede.
     *
     * @return the target, or {@code null}
     */
    public RecoveryTarget target() {
        return target;
    }

    @Override
    public String toString() {
        return name != null ? name : target != null ? "newest before " + target : "LATEST";
    }
}
