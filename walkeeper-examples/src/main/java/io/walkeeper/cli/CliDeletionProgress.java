package io.walkeeper.cli;

import io.walkeeper.api.DeletionListener;
import io.walkeeper.api.DeletionProgress;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a deletion's progress ({@code delete … --confirm}) on standard error, as {@link CliProgress}
 * shows a backup's: on a terminal one line rewritten in place, elsewhere a plain line every
 * {@value CliProgress#PLAIN_EVERY_SECONDS} seconds and one at the end.
 */
final class CliDeletionProgress implements DeletionListener {
    private final PrintWriter err;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private long lastPlain = -1;

    CliDeletionProgress(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /**
     * Chooses the listener for a command: {@code --progress} forces it on, {@code --no-progress}
     * off, and by default it is on only when standard error is a terminal.
     *
     * @param option the command's choice, or {@code null} for the default
     * @param err standard error
     * @return the listener
     */
    static DeletionListener choose(Boolean option, PrintWriter err) {
        boolean terminal = System.console() != null;
        boolean on = option != null ? option : terminal;
        return on ? new CliDeletionProgress(err, terminal) : DeletionListener.NONE;
    }

    @Override
    public synchronized void onProgress(DeletionProgress p) {
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        String line = line(p) + (p.finished() ? ", done in " + seconds + " s" : "");
        if (terminal) {
            err.print("\r" + line + (p.finished() ? "\n" : ""));
            err.flush();
            return;
        }
        if (p.finished() || lastPlain < 0 || seconds - lastPlain >= CliProgress.PLAIN_EVERY_SECONDS) {
            lastPlain = seconds;
            err.println(line);
            err.flush();
        }
    }

    /**
     * Formats one event.
     *
     * @param p the event
     * @return e.g. {@code delete retention (wal): 3 of 3 backups, 1200 of 2400 objects (50 %)}
     */
    static String line(DeletionProgress p) {
        String pct = p.objectsTotal() == 0 ? "100" : Long.toString(100 * p.objectsDone() / p.objectsTotal());
        return String.format(Locale.ROOT, "delete %s (%s): %d of %d backups, %d of %d objects (%s %%)", p.operation(),
                p.phase(), p.backupsDone(), p.backupsTotal(), p.objectsDone(), p.objectsTotal(), pct);
    }
}
