package io.walkeeper.api;

/**
 * Which backup a delta backup is taken against.
 */
public enum DeltaOrigin {
    /** The newest completed backup, full or delta: chains grow one step per backup. */
    LATEST,
    /** The newest full backup: every delta has the full backup as its parent, so chains are one step long. */
    LATEST_FULL
}
