package io.walkeeper.api;

/**
 * Receives {@link Progress} events of a backup or a restore, from a thread of the run, about once a
 * second and once at the end; a control plane shows them or exports them as metrics. It must
 * return quickly; an exception it throws is logged and otherwise ignored, never failing the run.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores every event. */
    ProgressListener NONE = progress -> { };

    /**
     * Receives one event.
     *
     * @param progress how far the run has got
     */
    void onProgress(Progress progress);
}
