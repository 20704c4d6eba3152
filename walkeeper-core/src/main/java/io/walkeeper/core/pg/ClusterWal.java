package io.walkeeper.core.pg;

import io.walkeeper.api.ClusterWalState;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.PostgresException;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.TimelineId;
import io.walkeeper.api.WalSegmentName;
import io.walkeeper.core.PgConnection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads where a running primary's WAL stands, for {@code wal-verify}: its current segment and
 * timeline ({@code pg_current_wal_lsn()}), the last segment it reports archived
 * ({@code pg_stat_archiver}), its segment size, and the segments waiting in
 * {@code pg_wal/archive_status} as {@code .ready}.
 */
public final class ClusterWal {
    private ClusterWal() {
    }

    /**
     * Reads the state.
     *
     * @param connection how to reach the server
     * @param dataDirectory its data directory, for the {@code .ready} files
     * @return the state
     * @throws PostgresException if the server cannot be asked, or is a standby
     * @throws StorageException if {@code archive_status} cannot be read
     */
    public static ClusterWalState read(PgConnection connection, Path dataDirectory) {
        try (PgSession pg = PgSession.open(connection)) {
            if (Boolean.parseBoolean(pg.queryString("SELECT pg_is_in_recovery()::text"))) {
                throw new PostgresException("wal-verify compares the archive with a primary, and the server at " + connection
                        + " is in recovery (HINT: run it against the primary)");
            }
            long segmentSize = Long.parseLong(pg.queryString(
                    "SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'"));
            // at a segment boundary (right after pg_switch_wal) pg_walfile_name names the segment
            // before the LSN: the timeline comes from it, the segment from the LSN itself
            String[] now = pg.queryString("SELECT pg_walfile_name(l) || ' ' || l FROM pg_current_wal_lsn() l").split(" ");
            TimelineId timeline = TimelineId.parseHex(now[0].substring(0, 8));
            String current = new WalSegmentName(timeline, Lsn.parse(now[1]).segmentNumber(segmentSize), segmentSize)
                    .toString();
            String lastArchived = pg.queryString("SELECT last_archived_wal FROM pg_stat_archiver");
            if (lastArchived == null || !lastArchived.matches("[0-9A-F]{24}")) {
                lastArchived = null; // none yet, or a .history, .partial or .backup file
            }
            return new ClusterWalState(timeline, current, lastArchived, ready(dataDirectory), segmentSize);
        }
    }

    private static Set<String> ready(Path dataDirectory) {
        Path status = dataDirectory.resolve("pg_wal").resolve("archive_status");
        if (!Files.isDirectory(status)) {
            throw new InvalidRequestException(dataDirectory + " has no pg_wal/archive_status: it is not the data directory "
                    + "of a PostgreSQL server (HINT: give the server's PGDATA)");
        }
        try (Stream<Path> files = Files.list(status)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9A-F]{24}\\.ready"))
                    .map(n -> n.substring(0, 24)).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new StorageException("Cannot list " + status + ": " + e.getMessage(), e);
        }
    }
}
