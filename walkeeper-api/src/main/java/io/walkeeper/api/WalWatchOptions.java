package io.walkeeper.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How a resident archiver ({@link WalArchiver#watch(Path, WalWatchOptions)}) works: how many
 * segments it stores at once, how often it looks for ready segments, and where it leaves a marker
 * for each stored segment. Immutable; start with {@link #defaults()} and refine with the
 * {@code with…} methods.
 *
 * @param concurrency segments stored at once, at least 1
 * @param pollInterval how often {@code pg_wal/archive_status} is read, at least 10 ms
 * @param markerDirectory where a marker named after each stored segment is written once the
 *     segment is stored durably, so that {@code archive_command} can answer without storing it
 *     again; empty to write none
 */
public record WalWatchOptions(int concurrency, Duration pollInterval, Optional<Path> markerDirectory) {

    /** Checks the fields. */
    public WalWatchOptions {
        if (concurrency < 1 || concurrency > 64) {
            throw new InvalidRequestException("A resident archiver stores 1 to 64 segments at once, not " + concurrency);
        }
        if (pollInterval == null || pollInterval.toMillis() < 10) {
            throw new InvalidRequestException("A resident archiver polls at most every 10 ms, not " + pollInterval);
        }
        markerDirectory = markerDirectory == null ? Optional.empty() : markerDirectory;
    }

    /**
     * Four segments at once, a poll every 200 ms, no markers.
     *
     * @return the options
     */
    public static WalWatchOptions defaults() {
        return new WalWatchOptions(4, Duration.ofMillis(200), Optional.empty());
    }

    /**
     * @param n segments stored at once, 1 to 64
     * @return a copy with that concurrency
     */
    public WalWatchOptions withConcurrency(int n) {
        return new WalWatchOptions(n, pollInterval, markerDirectory);
    }

    /**
     * @param interval how often to look for ready segments
     * @return a copy with that interval
     */
    public WalWatchOptions withPollInterval(Duration interval) {
        return new WalWatchOptions(concurrency, interval, markerDirectory);
    }

    /**
     * @param directory where markers go (created if absent); each holds the directory's name
     * @return a copy writing markers there
     */
    public WalWatchOptions withMarkerDirectory(Path directory) {
        return new WalWatchOptions(concurrency, pollInterval, Optional.of(directory));
    }
}
