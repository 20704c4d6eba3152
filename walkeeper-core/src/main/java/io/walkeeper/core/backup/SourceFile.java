package io.walkeeper.core.backup;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One file or directory found in the data directory (or a tablespace) when the walk started.
 * It holds the data directory it was found in rather than a path of its own: a walk holds one
 * of these per file, and a million paths would take a quarter of a gigabyte of heap.
 *
 * @param archivePath the path inside the backup, relative to the data directory, {@code /}-separated
 * @param dataDirectory the data directory; a tablespace's files are reached through its link in
 *     {@code pg_tblspc}
 * @param size the size seen at the start of the backup; exactly this many bytes are stored
 * @param mode POSIX permission bits
 * @param mtime modification time
 * @param directory whether it is a directory
 */
public record SourceFile(String archivePath, Path dataDirectory, long size, int mode, Instant mtime, boolean directory) {

    /** @return where it is on disk */
    public Path source() {
        return dataDirectory.resolve(archivePath);
    }
}
