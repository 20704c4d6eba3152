package io.walkeeper.api;

import java.util.Map;
import java.util.Objects;

/**
 * Chooses one backup from the catalogue: the latest, one by name, or the newest that can serve
 * as the base for recovery to a given target; optionally only among backups carrying given
 * labels ({@link #withLabels(Map)}, WAL-G's {@code --target-user-data}). Immutable.
 */
public final class BackupSelector {
    private final String name;
    private final RecoveryTarget target;
    private final Map<String, String> labels;

    private BackupSelector(String name, RecoveryTarget target, Map<String, String> labels) {
        this.name = name;
        this.target = target;
        this.labels = Map.copyOf(labels);
    }

    /**
     * The newest completed backup.
     *
     * @return the selector
     */
    public static BackupSelector latest() {
        return new BackupSelector(null, null, Map.of());
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
        return new BackupSelector(name, null, Map.of());
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
        return new BackupSelector(null, Objects.requireNonNull(target, "target"), Map.of());
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

    /**
     * Returns a selector that chooses only among backups whose labels include all of
     * {@code required} (same key, same value): the newest such backup, the newest such before the
     * target, or the named backup if it has them.
     *
     * @param required labels the backup must carry, not empty
     * @return the narrowed selector
     * @throws InvalidRequestException if {@code required} is empty
     */
    public BackupSelector withLabels(Map<String, String> required) {
        if (required == null || required.isEmpty()) {
            throw new InvalidRequestException("Select by labels needs at least one label");
        }
        Map<String, String> all = new java.util.TreeMap<>(labels);
        all.putAll(required);
        return new BackupSelector(name, target, all);
    }

    /**
     * Returns the labels a chosen backup must carry.
     *
     * @return the labels, empty when any backup will do
     */
    public Map<String, String> labels() {
        return labels;
    }

    /**
     * Tells whether a backup carries the labels this selector requires.
     *
     * @param backup a backup
     * @return {@code true} if every required label is among its labels
     */
    public boolean accepts(BackupInfo backup) {
        return backup.labels().entrySet().containsAll(labels.entrySet());
    }

    @Override
    public String toString() {
        String base = name != null ? name : target != null ? "newest before " + target : "LATEST";
        return labels.isEmpty() ? base : base + " with labels " + new java.util.TreeMap<>(labels);
    }
}
