package io.walkeeper.core.wal;

import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.WalArchiver;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.api.WalWatch;
import io.walkeeper.api.WalWatchOptions;
import io.walkeeper.core.io.Workers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The resident archiver behind {@link WalArchiver#watch}: one scheduler thread reads
 * {@code archive_status} every poll interval and hands each ready segment not yet stored, oldest
 * first, to a pool of {@code concurrency} threads, which store it through {@link WalArchiver#push}
 * and then write its marker (as {@link WalPushAhead} does). It remembers what it stored while the
 * segment is still marked ready, so that a marker {@code archive_command} has already taken does not
 * make it store the segment again; it removes markers of segments no longer ready. A failed segment
 * is retried after {@link #RETRY_AFTER}.
 */
public final class WalWatcher implements WalWatch {
    private static final Logger LOG = LoggerFactory.getLogger(WalWatcher.class);
    /** The pause before a segment whose storing failed is tried again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final WalArchiver archiver;
    private final Path walDirectory;
    private final Optional<Path> markers;
    private final int concurrency;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService pool;
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    // touched by the scheduler thread and the pool: guarded by this
    private final Set<String> inFlight = new HashSet<>();
    private final Set<String> done = new HashSet<>();
    private final Map<String, Long> retryAt = new HashMap<>();
    private volatile boolean closed;

    private WalWatcher(WalArchiver archiver, Path walDirectory, WalWatchOptions options) {
        this.archiver = archiver;
        this.walDirectory = walDirectory;
        this.markers = options.markerDirectory();
        this.concurrency = options.concurrency();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Workers.named("walkeeper-wal-watch"));
        this.pool = Executors.newFixedThreadPool(concurrency, Workers.named("walkeeper-wal-watch-push"));
    }

    /**
     * Starts watching.
     *
     * @param archiver stores each segment
     * @param dataDirectory the data directory
     * @param options how
     * @return the running watcher
     * @throws InvalidRequestException if there is no {@code pg_wal/archive_status}
     */
    public static WalWatcher start(WalArchiver archiver, Path dataDirectory, WalWatchOptions options) {
        Path walDir = dataDirectory.toAbsolutePath().normalize().resolve("pg_wal");
        if (!Files.isDirectory(walDir.resolve("archive_status"))) {
            throw new InvalidRequestException("Cannot watch " + dataDirectory.toAbsolutePath()
                    + ": it has no pg_wal/archive_status (HINT: give the data directory of the cluster whose WAL to archive)");
        }
        WalWatcher w = new WalWatcher(archiver, walDir, options);
        long every = options.pollInterval().toMillis();
        w.scheduler.scheduleWithFixedDelay(w::poll, 0, every, TimeUnit.MILLISECONDS);
        LOG.info("Watching {} for ready WAL segments ({} at once, every {} ms)", walDir.resolve("archive_status"),
                options.concurrency(), every);
        return w;
    }

    @Override
    public long stored() {
        return stored.get();
    }

    @Override
    public long failed() {
        return failed.get();
    }

    private void poll() {
        try {
            List<String> ready = readySegments();
            Set<String> readySet = new HashSet<>(ready);
            long now = System.nanoTime();
            List<String> submit = new ArrayList<>();
            synchronized (this) {
                done.retainAll(readySet);
                retryAt.keySet().retainAll(readySet);
                for (String name : ready) {
                    if (inFlight.size() + submit.size() >= 2 * concurrency) {
                        break;
                    }
                    Long retry = retryAt.get(name);
                    if (!inFlight.contains(name) && !done.contains(name) && (retry == null || now - retry >= 0)
                            && !markers.map(m -> Files.exists(m.resolve(name))).orElse(false)) {
                        submit.add(name);
                    }
                }
                inFlight.addAll(submit);
            }
            for (String name : submit) {
                if (closed) {
                    break;
                }
                pool.execute(() -> store(name));
            }
            removeMarkersNotReady(readySet);
        } catch (RuntimeException e) {
            // never let the scheduled task die: the next poll tries again
            LOG.warn("Looking for ready WAL segments failed: {}", e.toString());
        } catch (Error e) {
            LOG.error("Looking for ready WAL segments failed", e);
            throw e;
        }
    }

    private void store(String name) {
        boolean ok = false;
        try {
            if (closed) {
                return;
            }
            long started = System.nanoTime();
            var result = archiver.push(walDirectory.resolve(name));
            if (markers.isPresent()) {
                Files.createDirectories(markers.get());
                WalPushAhead.mark(markers.get(), name);
            }
            ok = true;
            stored.incrementAndGet();
            LOG.info("Archived {} ({}) in {} ms", name, result, (System.nanoTime() - started) / 1_000_000);
        } catch (WalKeeperException e) {
            LOG.warn("Archiving {} failed, trying again in {} s; archive_command archives it itself meanwhile: {}",
                    name, RETRY_AFTER.toSeconds(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Archiving {} failed, trying again in {} s; archive_command archives it itself meanwhile: {}",
                    name, RETRY_AFTER.toSeconds(), e.toString());
        } finally {
            synchronized (this) {
                inFlight.remove(name);
                if (ok) {
                    done.add(name);
                } else if (!closed) {
                    failed.incrementAndGet();
                    retryAt.put(name, System.nanoTime() + RETRY_AFTER.toNanos());
                }
            }
        }
    }

    private List<String> readySegments() {
        try {
            return ArchiveStatus.readySegments(walDirectory);
        } catch (IOException e) {
            LOG.warn("Cannot list {}: {}", walDirectory.resolve("archive_status"), e.toString());
            return List.of();
        }
    }

    /** A marker whose segment PostgreSQL no longer offers can never be used: removed, so markers do not pile up. */
    private void removeMarkersNotReady(Set<String> ready) {
        if (markers.isEmpty() || !Files.isDirectory(markers.get())) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(markers.get())) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                boolean busy;
                synchronized (this) {
                    busy = inFlight.contains(name);
                }
                if (!busy && !ready.contains(name) && ArchiveStatus.isSegment(name)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            LOG.debug("Cannot tidy the markers under {}: {}", markers.get(), e.toString());
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Stopping with segments still being archived: they get no marker, archive_command archives them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Workers.stopAndWait(pool);
        LOG.info("Stopped watching {}: {} segments archived, {} attempts failed", walDirectory.resolve("archive_status"),
                stored.get(), failed.get());
    }
}
