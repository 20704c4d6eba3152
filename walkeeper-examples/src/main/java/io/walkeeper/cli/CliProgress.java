package io.walkeeper.cli;

import io.walkeeper.api.Progress;
import io.walkeeper.api.ProgressListener;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a backup's or restore's progress on standard error: on a terminal one line rewritten in
 * place (bytes, MB/s, ETA), elsewhere a plain line every {@value #PLAIN_EVERY_SECONDS} seconds
 * and one at the end, so logs stay readable.
 */
final class CliProgress implements ProgressListener {
    /** Seconds between plain lines when not on a terminal. */
    static final int PLAIN_EVERY_SECONDS = 10;

    private final PrintWriter err;
    private final boolean terminal;
    private long lastPlain = -1;

    CliProgress(PrintWriter err, boolean terminal) {
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
    static ProgressListener choose(Boolean option, PrintWriter err) {
        boolean terminal = System.console() != null;
        boolean on = option != null ? option : terminal;
        return on ? new CliProgress(err, terminal) : ProgressListener.NONE;
    }

    @Override
    public synchronized void onProgress(Progress p) {
        String line = line(p);
        if (terminal) {
            err.print("\r" + line + (p.finished() ? "\n" : ""));
            err.flush();
            return;
        }
        long seconds = p.elapsed().toSeconds();
        if (p.finished() || lastPlain < 0 || seconds - lastPlain >= PLAIN_EVERY_SECONDS) {
            lastPlain = seconds;
            err.println(line);
            err.flush();
        }
    }

    /**
     * Formats one event.
     *
     * @param p the event
     * @return e.g. {@code backup base_…: 123.4 of 800.0 MB (15 %), 2,345 of 980 files, 95.2 MB/s, ETA 7 s}
     */
    static String line(Progress p) {
        double mb = 1e6;
        String pct = p.bytesTotal() == 0 ? "100" : Long.toString(100 * p.bytesDone() / p.bytesTotal());
        return String.format(Locale.ROOT, "%s %s: %.1f of %.1f MB (%s %%), %d of %d files, %.1f MB/s%s", p.operation(),
                p.subject(), p.bytesDone() / mb, p.bytesTotal() / mb, pct, p.filesDone(), p.filesTotal(),
                p.bytesPerSecond().orElse(0) / mb, p.finished() ? ", done in " + p.elapsed().toSeconds() + " s"
                        : p.eta().map(e -> ", ETA " + e.toSeconds() + " s").orElse(""));
    }
}
