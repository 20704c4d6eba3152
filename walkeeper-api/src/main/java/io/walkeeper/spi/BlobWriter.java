package io.walkeeper.spi;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Produces an object's content into a stream the store provides. The store commits the object
 * only if this returns normally; if it throws, nothing becomes visible. Implementations must
 * not close the stream, and must produce the same bytes each time they are called: a write that
 * failed with a retryable error is retried by calling the writer again from the start.
 */
@FunctionalInterface
public interface BlobWriter {

    /**
     * Writes the object's bytes.
     *
     * @param out where to write; the store commits it after this returns
     * @throws IOException if producing the content fails, which aborts the write
     */
    void writeTo(OutputStream out) throws IOException;
}
