package io.walkeeper.core.backup;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One file or directory found in the data directory (or a tablespace) when the walk started.
 *
 * @param archivePath the path inside the backup, relative to the data directory, {@code /}-separated
 * @param source where it is on disk
 * @param size the size seen at the start of the backup; exactly this many bytes are stored
 * @param mode POSIX permission bits
 * @param mtime modification time
 * @param directory whether it is a directory
 */
public record SourceFile(String archivePath, Path source, long size, int mode, Instant mtime, boolean directory) {
}
