package io.walkeeper.api;

/**
 * The outcome of fetching one WAL file. "Not in the archive" is an ordinary answer during
 * recovery (PostgreSQL probes for files that may not exist), so it is a result, not an exception;
 * failures are exceptions.
 */
public enum WalFetchResult {
    /** The complete file is now at the destination path. */
    FETCHED,
    /** The archive holds no such file; nothing was written at the destination. */
    NOT_FOUND
}
