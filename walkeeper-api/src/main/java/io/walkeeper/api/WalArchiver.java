package io.walkeeper.api;

import java.nio.file.Path;
import java.util.List;

/**
 * Archives WAL files to the repository and fetches them back: the work behind PostgreSQL's
 * {@code archive_command} and {@code restore_command}. Implementations are thread-safe.
 */
public interface WalArchiver {

    /**
     * Compresses and stores one WAL file. Storing a file the archive already holds with the same
     * content succeeds; a file of the same name with different content is refused and nothing is
     * overwritten.
     *
     * @param walFile the file PostgreSQL offers ({@code %p}), a segment, {@code .partial},
     *     {@code .backup} or {@code .history} file
     * @return whether it was stored or was already there
     * @throws InvalidRequestException if the name is not a WAL file name or the file is missing
     * @throws AlreadyExistsException if the archive holds different content under that name
     * @throws StorageException if the repository cannot be written
     */
    WalPushResult push(Path walFile);

    /**
     * Fetches one WAL file into {@code destination}: downloads to a temporary file beside it,
     * verifies and decompresses, fsyncs and renames into place, so the destination either holds the
     * complete file or does not exist.
     *
     * @param walFileName the name PostgreSQL asks for ({@code %f})
     * @param destination the path to write ({@code %p})
     * @return {@link WalFetchResult#FETCHED}, or {@link WalFetchResult#NOT_FOUND} when the archive does
     *     not hold the file
     * @throws InvalidRequestException if the name is not a WAL file name
     * @throws IntegrityException if the stored object is corrupt
     * @throws StorageException if the repository cannot be read
     */
    WalFetchResult fetch(String walFileName, Path destination);

    /**
     * Prefetches the WAL segments that follow {@code walFileName} on its timeline into a spool
     * directory, so that the next {@code restore_command} calls find them there instead of
     * downloading them one by one. The window is the {@code count} segments after
     * {@code walFileName}; those not yet in the spool are downloaded in parallel, decoded
     * (decrypted, decompressed) and verified exactly as {@link #fetch} verifies a segment, plus
     * the SHA-256 of the plaintext stored with the object when there is one. Each is written to a
     * temporary file in the spool, fsynced and renamed to its bare segment name: a file in the
     * spool named like a segment is complete and verified, and nothing else is.
     *
     * <p>The spool stays bounded: every segment outside the window (older than or equal to
     * {@code walFileName}, further ahead, or on another timeline) and every leftover temporary
     * file is removed first, so it never holds more than {@code count} segments, plus at most
     * {@code count} temporary files while downloading. A segment the archive does not hold, or
     * that cannot be read or verified, is simply not spooled: the caller then fetches it directly
     * with {@link #fetch} and reports the outcome. Only {@link WalFileName.Kind#SEGMENT} names
     * are prefetched; history, {@code .partial} and {@code .backup} files never are. One caller
     * at a time per spool directory.
     *
     * @param walFileName the segment PostgreSQL asked for last ({@code %f})
     * @param spoolDirectory the spool; created if absent
     * @param count how many segments to keep ahead, 0 to prefetch nothing
     * @return the segments this call added to the spool, in order
     * @throws InvalidRequestException if the name is not a WAL file name or {@code count} is negative
     * @throws StorageException if the spool directory cannot be written
     */
    default List<String> prefetch(String walFileName, Path spoolDirectory, int count) {
        WalFileName.parse(walFileName);
        return List.of();
    }

    /**
     * Describes the archive, timeline by timeline: parent and switch point from the archived
     * {@code .history} files, first and last archived segment, the gaps between them, and the
     * backups that start on each. Reads the listing of the archive and the history files; a
     * repository without WAL gives an empty list.
     *
     * @return the timelines, lowest first
     * @throws StorageException if the repository cannot be read
     */
    List<WalTimeline> timelines();

    /**
     * Checks the archive against a cluster: that every segment from the oldest backup's start to
     * the cluster's present is archived (telling lost segments from ones PostgreSQL has not
     * archived yet), and that no newer timeline than the cluster's archives here. See
     * {@link WalVerification} for the outcomes.
     *
     * @param cluster where the cluster's WAL stands
     * @return what was found
     * @throws StorageException if the archive cannot be listed
     */
    WalVerification verify(ClusterWalState cluster);

    /**
     * Starts a resident archiver for a running cluster: a background task that reads
     * {@code pg_wal/archive_status} every {@link WalWatchOptions#pollInterval()}, stores the
     * segments marked ready ({@code *.ready}), oldest first and {@link WalWatchOptions#concurrency()}
     * at a time, exactly as {@link #push} does (a segment already archived with the same content is
     * simply acknowledged; different content is refused and never overwritten), and writes a marker
     * for each once it is stored durably. A segment whose storing fails gets no marker and is tried
     * again after a pause; PostgreSQL's {@code archive_command} then stores it itself and reports
     * what is wrong. Only segments are stored so; history, {@code .partial} and {@code .backup}
     * files are left to {@code archive_command}.
     *
     * @param dataDirectory the cluster's data directory (holding {@code pg_wal})
     * @param options concurrency, poll interval and marker directory
     * @return the running archiver; close it to stop
     * @throws InvalidRequestException if {@code dataDirectory} has no {@code pg_wal/archive_status}
     */
    WalWatch watch(Path dataDirectory, WalWatchOptions options);
}
