package io.walkeeper.core.wal;

import io.walkeeper.api.WalFileName;
import io.walkeeper.api.WalKeeperException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What PostgreSQL's {@code pg_wal/archive_status} says is waiting to be archived: a file
 * {@code <name>.ready} for each WAL file {@code archive_command} has yet to store.
 */
public final class ArchiveStatus {
    /** The suffix of the status file of a WAL file waiting to be archived. */
    private static final String READY = ".ready";

    private ArchiveStatus() {
    }

    /**
     * The WAL segments of {@code pgWal} marked ready, oldest first: only segments (not history,
     * partial or backup history files, which PostgreSQL hands to {@code archive_command} itself),
     * and only those still present in {@code pgWal} as regular files.
     *
     * @param pgWal the {@code pg_wal} directory
     * @return the segment names, sorted
     * @throws IOException when {@code archive_status} cannot be listed (including when it does not exist)
     */
    public static List<String> readySegments(Path pgWal) throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(pgWal.resolve("archive_status"), "*" + READY)) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                String name = f.substring(0, f.length() - READY.length());
                if (isSegment(name) && Files.isRegularFile(pgWal.resolve(name))) {
                    out.add(name);
                }
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Whether {@code name} is a WAL segment's name.
     *
     * @param name a file name
     * @return {@code true} for {@link WalFileName.Kind#SEGMENT}
     */
    static boolean isSegment(String name) {
        try {
            return WalFileName.parse(name).kind() == WalFileName.Kind.SEGMENT;
        } catch (WalKeeperException notWal) {
            return false;
        }
    }
}
