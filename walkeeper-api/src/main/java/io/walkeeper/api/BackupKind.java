package io.walkeeper.api;

/** Whether a backup holds every file, or only what changed since its parent. */
public enum BackupKind {
    /** A self-contained copy of the data directory. */
    FULL,
    /** Changed pages and files on top of a parent backup. */
    DELTA
}
