package io.walkeeper.core.wal;

import io.walkeeper.core.io.FileSync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * A file written under a temporary name beside its target, then fsynced and renamed into place,
 * so that the target's name only ever names a complete file. The temporary name is
 * {@code .<target name>.walkeeper-<random UUID>.tmp}: the launcher waits for a segment while a
 * file so named is in the prefetch spool, names its own temporary copies there the same way, and
 * the spool's cleanup removes a leftover one by that pattern.
 */
final class TemporaryFile {
    private TemporaryFile() {
    }

    /**
     * A new temporary name in the directory of {@code target}.
     *
     * @param target the file it will become
     * @return {@code .<target name>.walkeeper-<random UUID>.tmp} beside {@code target}
     */
    static Path beside(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".walkeeper-" + UUID.randomUUID() + ".tmp");
    }

    /**
     * Whether a file name is a temporary file's: one {@link #beside} gives, or one the launcher
     * gives its copies.
     *
     * @param fileName a file name
     * @return {@code true} for a name that starts with a dot, ends with {@code .tmp} and contains
     *     {@code .walkeeper-}
     */
    static boolean is(String fileName) {
        return fileName.startsWith(".") && fileName.endsWith(".tmp") && fileName.contains(".walkeeper-");
    }

    /**
     * Flushes a complete temporary file to disk and renames it atomically to {@code target},
     * replacing any file of that name. Does not flush the directory.
     *
     * @param tmp the temporary file, written in full
     * @param target the name it takes
     * @throws IOException if the flush or the rename fails
     */
    static void commit(Path tmp, Path target) throws IOException {
        FileSync.file(tmp);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
