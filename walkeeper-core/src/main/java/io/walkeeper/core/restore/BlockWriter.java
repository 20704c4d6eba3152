package io.walkeeper.core.restore;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where a restore writes file contents: positional writes into files named by their path inside
 * the backup. The restore writes every block of every file exactly once.
 */
interface BlockWriter {

    /** An open file being written. */
    interface Target extends Closeable {
        /**
         * Writes bytes at a position.
         *
         * @param position the file offset
         * @param data the bytes
         * @param offset where they start in {@code data}
         * @param length how many
         * @throws IOException if writing fails
         */
        void write(long position, byte[] data, int offset, int length) throws IOException;
    }

    /**
     * Opens (creating if needed) a file for writing.
     *
     * @param path the path inside the backup
     * @return the open file
     * @throws IOException if it cannot be opened
     */
    Target open(String path) throws IOException;
}
