package io.walkeeper.api;

/** The outcome of archiving one WAL file. */
public enum WalPushResult {
    /** The file was compressed and stored. */
    STORED,
    /** The archive already held this file with identical content; nothing was written. */
    ALREADY_ARCHIVED
}
