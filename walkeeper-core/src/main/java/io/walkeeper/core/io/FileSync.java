package io.walkeeper.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** fsync helpers for files and directories. */
public final class FileSync {
    private FileSync() {
    }

    /**
     * Flushes a directory's entries to disk, so that a rename or a new file in it survives a crash.
     * Platforms that cannot open directories are ignored.
     *
     * @param dir the directory
     * @throws IOException if the flush itself fails
     */
    public static void directory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (java.nio.file.AccessDeniedException | UnsupportedOperationException e) {
            // some platforms cannot open a directory for reading; nothing more can be done there
        }
    }

    /**
     * Flushes a file's content to disk.
     *
     * @param file the file
     * @throws IOException if it fails
     */
    public static void file(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }
}
