package io.walkeeper.testkit;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A writer's stream that lets a number of bytes through and then fails every write with an
 * {@link IOException}, as an upload over a reset connection would.
 */
final class FaultyOutputStream extends FilterOutputStream {
    private final long limit;
    private final String description;
    private long written;
    private volatile boolean broken;

    FaultyOutputStream(OutputStream out, long limit, String description) {
        super(out);
        this.limit = limit;
        this.description = description;
    }

    /** Tells whether the stream has failed a write. */
    boolean broken() {
        return broken;
    }

    @Override
    public void write(int b) throws IOException {
        if (broken || written >= limit) {
            throw breakNow();
        }
        out.write(b);
        written++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (broken) {
            throw breakNow();
        }
        long room = limit - written;
        if (len <= room) {
            out.write(b, off, len);
            written += len;
            return;
        }
        out.write(b, off, (int) room);
        written += room;
        throw breakNow();
    }

    @Override
    public void flush() throws IOException {
        if (broken) {
            throw breakNow();
        }
        out.flush();
    }

    /** Marks the stream broken and returns the exception to throw. */
    IOException breakNow() {
        broken = true;
        return new IOException("Injected fault: connection reset after " + written + " bytes of " + description);
    }
}
