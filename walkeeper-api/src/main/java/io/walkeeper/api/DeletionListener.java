package io.walkeeper.api;

/**
 * Receives {@link DeletionProgress} events of a retention run or a {@code delete everything} or
 * {@code delete garbage}: one before anything is deleted, one after each backup and each batch of WAL
 * objects, and a last one when the run succeeded. A dry run deletes nothing and sends no event. Events
 * come from the thread that deletes; a listener must return quickly. An exception it throws is logged
 * and otherwise ignored, never failing the deletion.
 */
@FunctionalInterface
public interface DeletionListener {
    /** A listener that ignores every event. */
    DeletionListener NONE = progress -> { };

    /**
     * Receives one event.
     *
     * @param progress how far the deletion has got
     */
    void onProgress(DeletionProgress progress);
}
