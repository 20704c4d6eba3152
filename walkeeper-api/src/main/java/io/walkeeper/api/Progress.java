package io.walkeeper.api;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How far a backup or a restore has got, as a {@link ProgressListener} receives it about once a
 * second and once at the end. Byte and file counts only grow from one event to the next; the
 * totals are what the run expects when it starts (the data directory's walk, the manifest's file
 * sizes) and are corrected in the last event, where done equals total.
 *
 * @param operation {@code backup} or {@code restore}
 * @param subject the backup's name (known from the start for a restore, once reserved for a backup)
 * @param finished whether this is the last event of a run that succeeded
 * @param bytesDone bytes read (backup) or written (restore) so far
 * @param bytesTotal bytes expected
 * @param filesDone files done so far
 * @param filesTotal files expected
 * @param elapsed time since the run started copying
 */
public record Progress(String operation, String subject, boolean finished, long bytesDone, long bytesTotal, long filesDone,
        long filesTotal, Duration elapsed) {

    /**
     * Returns the average rate so far.
     *
     * @return bytes per second, empty before any time has passed
     */
    public OptionalDouble bytesPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds <= 0 ? OptionalDouble.empty() : OptionalDouble.of(bytesDone / seconds);
    }

    /**
     * Estimates the time left at the average rate so far.
     *
     * @return the estimate, empty until some bytes are done
     */
    public Optional<Duration> eta() {
        OptionalDouble rate = bytesPerSecond();
        if (finished) {
            return Optional.of(Duration.ZERO);
        }
        if (rate.isEmpty() || rate.getAsDouble() <= 0) {
            return Optional.empty();
        }
        long left = Math.max(0, bytesTotal - bytesDone);
        return Optional.of(Duration.ofMillis((long) (left / rate.getAsDouble() * 1000)));
    }
}
