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
}
