package io.walkeeper.core.backup;

import io.walkeeper.api.DeletionListener;
import io.walkeeper.api.DeletionProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what a deletion has done and tells a {@link DeletionListener}: done counts only grow, a
 * total grows when more objects become known and never falls below what is done, and
 * {@link #finish()} corrects the totals to what was done. A listener that throws is logged once and
 * otherwise ignored. Used by one thread at a time.
 */
final class DeletionReport {
    private static final Logger LOG = LoggerFactory.getLogger(DeletionReport.class);

    private final String operation;
    private final DeletionListener listener;
    private String phase;
    private int backupsDone;
    private int backupsTotal;
    private long objectsDone;
    private long objectsTotal;
    private boolean warned;

    DeletionReport(String operation, DeletionListener listener) {
        this.operation = operation;
        this.listener = listener == null ? DeletionListener.NONE : listener;
    }

    /** Sends the first event: nothing done yet. */
    void start(String firstPhase, int backups, long objects) {
        phase = firstPhase;
        backupsTotal = backups;
        objectsTotal = objects;
        send(false);
    }

    /** Counts objects that became known (a backup's objects once listed) without sending an event. */
    void expect(long objects) {
        objectsTotal += objects;
    }

    /** Counts what was just deleted and sends an event. */
    void deleted(String inPhase, int backups, long objects) {
        phase = inPhase;
        backupsDone += backups;
        objectsDone += objects;
        backupsTotal = Math.max(backupsTotal, backupsDone);
        objectsTotal = Math.max(objectsTotal, objectsDone);
        send(false);
    }

    /** Sends the last event, totals corrected to what was done. */
    void finish() {
        backupsTotal = backupsDone;
        objectsTotal = objectsDone;
        send(true);
    }

    /**
     * A listener for a deletion run inside this one (garbage's WAL pass through retention): its
     * counts are added to this report's, and its first and last events are not passed on.
     */
    DeletionListener nested(String nestedPhase) {
        return new DeletionListener() {
            private int lastBackups;
            private long lastObjects;
            private long lastObjectsTotal;

            @Override
            public void onProgress(DeletionProgress p) {
                if (p.finished()) {
                    return;
                }
                expect(p.objectsTotal() - lastObjectsTotal);
                lastObjectsTotal = p.objectsTotal();
                if (p.backupsDone() > lastBackups || p.objectsDone() > lastObjects) {
                    deleted(nestedPhase, p.backupsDone() - lastBackups, p.objectsDone() - lastObjects);
                    lastBackups = p.backupsDone();
                    lastObjects = p.objectsDone();
                }
            }
        };
    }

    private void send(boolean finished) {
        if (listener == DeletionListener.NONE) {
            return;
        }
        try {
            listener.onProgress(new DeletionProgress(operation, phase, finished, backupsDone, backupsTotal, objectsDone,
                    objectsTotal));
        } catch (RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warn("The deletion progress listener failed; the {} goes on: {}", operation, e.toString());
            }
        }
    }
}
