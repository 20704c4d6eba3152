package io.walkeeper.storage.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes directory entries durable: after a file is created, renamed or linked, the directory that
 * holds it must be fsynced too, or a crash can lose the new name although the file's data was
 * synced.
 */
final class DirectorySync {
    private static final Logger LOG = LoggerFactory.getLogger(DirectorySync.class);

    private DirectorySync() {
    }

    /**
     * Fsyncs {@code dir}. Windows cannot open a directory for syncing (and its file system makes
     * renames durable by itself), so this does nothing there; nor on non-default file systems that
     * cannot do it. Everywhere else a failure is reported.
     *
     * @param dir the directory
     * @throws IOException if the directory cannot be synced
     */
    static void sync(Path dir) throws IOException {
        boolean defaultFileSystem = dir.getFileSystem() == FileSystems.getDefault();
        if (defaultFileSystem && "\\".equals(dir.getFileSystem().getSeparator())) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            if (defaultFileSystem) {
                throw e;
            }
            LOG.debug("Cannot fsync directory {} on {}: {}", dir, dir.getFileSystem(), e.toString());
        }
    }
}
