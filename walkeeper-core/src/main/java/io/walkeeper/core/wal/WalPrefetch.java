package io.walkeeper.core.wal;

import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalFileName;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.api.WalSegmentName;
import io.walkeeper.core.io.Workers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One round of {@link DefaultWalArchiver#prefetch}: trims the spool to the window of segments
 * after the one requested, then downloads the missing ones of the window in parallel. A file in
 * the spool named like a segment is complete and verified (it is renamed to that name only
 * after verification and fsync); temporary files start with a dot.
 *
 * <p>A segment of the window the archive does not hold gets an empty marker
 * {@code <segment>.absent}; each round that finds it still missing renews the marker's
 * modification time, and the marker goes once the segment is spooled or leaves the window. The
 * launcher answers "not in the archive" from a marker renewed in the last seconds without
 * starting a JVM, as PostgreSQL asks at the end of the archive. The archive's last segment so far
 * is kept as a second copy, {@code <segment>.again}, while it is the segment PostgreSQL asked
 * for last or still to come: PostgreSQL asks for it again as recovery ends, and the launcher
 * copies it.
 */
final class WalPrefetch {
    private static final Logger LOG = LoggerFactory.getLogger(WalPrefetch.class);
    /** Suffix of a marker saying the archive did not hold the file when the marker was last renewed. */
    static final String ABSENT = ".absent";
    /** Suffix of a second copy of the archive's last segment, which PostgreSQL asks for again as recovery ends. */
    static final String AGAIN = ".again";

    private final DefaultWalArchiver archiver;
    private final int threads;

    WalPrefetch(DefaultWalArchiver archiver, int threads) {
        this.archiver = archiver;
        this.threads = Math.max(1, threads);
    }

    /**
     * The segments a spool may hold after {@code requested}: the next {@code count} on its timeline.
     *
     * @param requested the segment asked for last
     * @param count the window's size
     * @return the names, in order
     */
    static List<String> window(WalSegmentName requested, int count) {
        List<String> out = new ArrayList<>(count);
        WalSegmentName n = requested;
        for (int i = 0; i < count; i++) {
            n = n.next();
            out.add(n.toString());
        }
        return out;
    }

    List<String> run(WalSegmentName requested, Path spool, int count) {
        List<String> window = window(requested, count);
        try {
            Files.createDirectories(spool);
        } catch (IOException e) {
            throw new StorageException("Cannot create the WAL prefetch spool " + spool + ": " + e.getMessage(), e);
        }
        Set<String> present = trim(spool, Set.copyOf(window), requested.toString());
        List<String> missing = window.stream().filter(n -> !present.contains(n)).toList();
        if (missing.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, missing.size()),
                Workers.named("walkeeper-prefetch"));
        List<String> spooled = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        try {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (String name : missing) {
                WalFileName segment = WalFileName.parse(name);
                futures.add(pool.submit(() -> archiver.fetchVerified(segment, spool.resolve(name))));
            }
            for (int i = 0; i < futures.size(); i++) {
                String name = missing.get(i);
                try {
                    if (futures.get(i).get()) {
                        spooled.add(name);
                    } else {
                        absent.add(name);
                    }
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    // not spooled: wal-fetch fetches it directly when PostgreSQL asks, and reports the failure
                    LOG.debug("Not prefetching {}: {}", name, c instanceof WalKeeperException ? c.getMessage() : c.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Workers.stopAndWait(pool);
        }
        if (!spooled.isEmpty()) {
            LOG.debug("Prefetched {} after {}", spooled, requested);
        }
        spooled.forEach(name -> unmark(spool, name));
        absent.forEach(name -> mark(spool, name));
        window.stream().filter(absent::contains).findFirst()
                .ifPresent(first -> keepAgain(spool, window.indexOf(first) == 0 ? requested.toString()
                        : window.get(window.indexOf(first) - 1)));
        return spooled;
    }

    /**
     * Keeps a second copy of the archive's last segment so far: at the end of recovery
     * PostgreSQL asks for that segment again, after the launcher has taken the spooled one, and
     * the launcher copies this one instead of starting a JVM.
     */
    private void keepAgain(Path spool, String last) {
        Path again = spool.resolve(last + AGAIN);
        if (Files.isRegularFile(again)) {
            return;
        }
        Path spooled = spool.resolve(last);
        if (Files.isRegularFile(spooled)) {
            // copied from the verified spooled file before the launcher takes it, so that it is there
            // when PostgreSQL asks again moments later
            Path tmp = TemporaryFile.beside(again);
            try {
                Files.copy(spooled, tmp);
                TemporaryFile.commit(tmp, again);
                return;
            } catch (IOException e) {
                LOG.debug("Not copying {} for a second request: {}", last, e.toString());
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover temporary file is removed by the next round
                }
                return;
            }
        }
        try {
            archiver.fetchVerified(WalFileName.parse(last), again);
        } catch (WalKeeperException e) {
            LOG.debug("Not keeping a second copy of {}: {}", last, e.getMessage());
        }
    }

    /** Creates or renews the marker saying the archive does not hold {@code name} now. */
    private static void mark(Path spool, String name) {
        Path marker = spool.resolve(name + ABSENT);
        try {
            if (!Files.exists(marker)) {
                Files.createFile(marker);
            }
            Files.setLastModifiedTime(marker, FileTime.from(Instant.now()));
        } catch (IOException e) {
            unmark(spool, name);
            LOG.debug("Cannot mark {} absent: {}", name, e.toString());
        }
    }

    private static void unmark(Path spool, String name) {
        try {
            Files.deleteIfExists(spool.resolve(name + ABSENT));
        } catch (IOException e) {
            LOG.debug("Cannot remove the absent marker of {}: {}", name, e.toString());
        }
    }

    /**
     * Removes from the spool every segment and absent marker outside the window, every second
     * copy but that of the requested segment or of one in the window, and every leftover
     * temporary file (one caller at a time per spool, so a temporary file seen here belongs to a
     * writer that died); leaves the caller's own bookkeeping alone.
     *
     * @return the window's segments already spooled
     */
    private static Set<String> trim(Path spool, Set<String> window, String requested) {
        Set<String> present = new LinkedHashSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(spool)) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                if (window.contains(f) && Files.isRegularFile(p)) {
                    present.add(f);
                } else if (f.endsWith(ABSENT) && ArchiveStatus.isSegment(f.substring(0, f.length() - ABSENT.length()))
                        && !window.contains(f.substring(0, f.length() - ABSENT.length()))) {
                    Files.deleteIfExists(p);
                } else if (f.endsWith(AGAIN) && ArchiveStatus.isSegment(f.substring(0, f.length() - AGAIN.length()))
                        && !f.equals(requested + AGAIN) && !window.contains(f.substring(0, f.length() - AGAIN.length()))) {
                    Files.deleteIfExists(p);
                } else if (ArchiveStatus.isSegment(f) || TemporaryFile.is(f)) {
                    Files.deleteIfExists(p);
                    LOG.debug("Removed {} from the prefetch spool", f);
                }
            }
        } catch (IOException e) {
            throw new StorageException("Cannot clean the WAL prefetch spool " + spool + ": " + e.getMessage(), e);
        }
        return present;
    }
}
