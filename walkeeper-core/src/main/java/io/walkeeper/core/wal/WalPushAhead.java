package io.walkeeper.core.wal;

import io.walkeeper.api.WalArchiver;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.core.io.FileSync;
import io.walkeeper.core.io.Workers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Archives the WAL files PostgreSQL has marked ready ({@code archive_status/*.ready}) ahead of
 * the archiver asking for them, in parallel, and leaves a marker for each one stored, so that the
 * following {@code archive_command} calls can return at once. A marker is written only after the
 * file is stored durably; a file whose push fails gets no marker and is pushed again when
 * PostgreSQL asks for it.
 */
public final class WalPushAhead {
    private static final Logger LOG = LoggerFactory.getLogger(WalPushAhead.class);

    /** How old a marker's temporary file must be to count as left by a killed push. */
    static final Duration STALE_TEMPORARY = Duration.ofMinutes(1);

    private final WalArchiver archiver;
    private final int concurrency;

    /**
     * Creates the look-ahead.
     *
     * @param archiver the archiver that stores each file
     * @param concurrency files pushed at once
     */
    public WalPushAhead(WalArchiver archiver, int concurrency) {
        this.archiver = archiver;
        this.concurrency = Math.max(1, concurrency);
    }

    /**
     * Pushes up to {@code max} ready WAL files of {@code walDirectory} other than {@code current}
     * that have no marker yet, oldest first, and writes a marker for each.
     *
     * @param walDirectory the {@code pg_wal} directory
     * @param current the file being archived now, which is not pushed again
     * @param max how many to push at most
     * @param markerDirectory where markers go, one file per pushed WAL file holding the directory's name
     * @return the names pushed
     */
    public List<String> pushReady(Path walDirectory, String current, int max, Path markerDirectory) {
        removeStaleTemporaries(markerDirectory);
        List<String> ready = readyFiles(walDirectory, current, max, markerDirectory);
        if (ready.isEmpty()) {
            return List.of();
        }
        List<String> pushed = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, ready.size()), Workers.named("walkeeper-push-ahead"));
        try {
            Files.createDirectories(markerDirectory);
            List<Future<String>> futures = new ArrayList<>();
            for (String name : ready) {
                futures.add(pool.submit(() -> {
                    archiver.push(walDirectory.resolve(name));
                    mark(markerDirectory, name);
                    return name;
                }));
            }
            for (Future<String> f : futures) {
                try {
                    pushed.add(f.get());
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    LOG.warn("Pushing ahead failed ({}); PostgreSQL will ask for the file again",
                            c instanceof WalKeeperException ? c.getMessage() : c.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("Cannot create the push-ahead marker directory {}: {}", markerDirectory, e.getMessage());
        } finally {
            Workers.stopAndWait(pool);
        }
        if (!pushed.isEmpty()) {
            LOG.debug("Pushed ahead {}", pushed);
        }
        return pushed;
    }

    private static List<String> readyFiles(Path walDirectory, String current, int max, Path markers) {
        List<String> out = new ArrayList<>();
        try {
            for (String name : ArchiveStatus.readySegments(walDirectory)) {
                if (!name.equals(current) && !Files.exists(markers.resolve(name))) {
                    out.add(name);
                }
            }
        } catch (IOException e) {
            LOG.debug("Cannot list {}: {}", walDirectory.resolve("archive_status"), e.getMessage());
            return List.of();
        }
        return out.size() > max ? out.subList(0, max) : out;
    }

    /**
     * Removes the temporary files of markers that a push killed between writing and renaming
     * left behind: the launcher never reads them, but nothing else would remove them. One younger
     * than {@link #STALE_TEMPORARY} may be another push's, being written, and is left.
     */
    private static void removeStaleTemporaries(Path markers) {
        if (!Files.isDirectory(markers)) {
            return;
        }
        Instant staleBefore = Instant.now().minus(STALE_TEMPORARY);
        try (DirectoryStream<Path> temporaries = Files.newDirectoryStream(markers, ".*.tmp")) {
            for (Path tmp : temporaries) {
                try {
                    if (Files.getLastModifiedTime(tmp).toInstant().isBefore(staleBefore)) {
                        Files.deleteIfExists(tmp);
                    }
                } catch (IOException gone) {
                    // removed by another push meanwhile
                }
            }
        } catch (IOException e) {
            LOG.debug("Cannot list {}: {}", markers, e.getMessage());
        }
    }

    static void mark(Path markers, String name) throws IOException {
        Path tmp = markers.resolve("." + name + ".tmp");
        // the marker holds the identity it was written for (its directory's name), which the launcher checks
        Files.writeString(tmp, markers.getFileName().toString(), java.nio.charset.StandardCharsets.US_ASCII);
        FileSync.file(tmp);
        Files.move(tmp, markers.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FileSync.directory(markers);
    }
}
