package io.walkeeper.core.backup;

import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.PostgresException;
import io.walkeeper.core.pg.BackupSession;
import io.walkeeper.core.repo.Repository;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The checks before a backup starts: the given directory is the server's data directory and its
 * {@code pg_control} belongs to the same cluster, the repository holds this cluster (or nothing
 * yet), and WAL is archived. Each refusal names what is wrong and what to do.
 */
final class Preflight {
    private Preflight() {
    }

    /** Checks the server, its data directory and the repository before anything is started or written. */
    static ClusterFacts check(BackupSession pg, Path dataDirectory, Repository repository) {
        Path dataDir = checkDataDirectory(pg, dataDirectory);
        long sysid = pg.systemIdentifier();
        long controlSysid = readControlSystemIdentifier(dataDir);
        if (controlSysid != sysid) {
            throw new InvalidRequestException("Cannot back up " + dataDir + ": its pg_control has system identifier "
                    + Long.toUnsignedString(controlSysid) + " but the server at " + pg.server() + " reports "
                    + Long.toUnsignedString(sysid));
        }
        long segSize = pg.walSegmentSize();
        int version = pg.versionNum();
        repository.checkCluster(sysid, version, segSize);
        boolean standby = pg.inRecovery();
        if ("off".equals(pg.archiveMode()) && !standby) {
            throw new PostgresException("Cannot take a usable backup of " + pg.server() + ": archive_mode is off, so the "
                    + "WAL the backup needs never reaches the archive (HINT: set archive_mode = on and "
                    + "archive_command = 'walkeeper wal-push %p', then restart PostgreSQL)");
        }
        Set<String> extraExcluded = pg.statsTempDirectory().map(Set::of).orElse(Set.of());
        return new ClusterFacts(dataDir, sysid, version, segSize, pg.blockSize(), pg.dataChecksums(), pg.blocksPerSegment(),
                extraExcluded, standby);
    }

    private static Path checkDataDirectory(BackupSession pg, Path dataDirectory) {
        String serverDir = pg.dataDirectory();
        Path given = dataDirectory.toAbsolutePath().normalize();
        if (!Files.isDirectory(given)) {
            throw new InvalidRequestException("Cannot back up " + given + ": no such directory (HINT: give the server's "
                    + "data directory, which is " + serverDir + ")");
        }
        try {
            if (!Files.isSameFile(given, Path.of(serverDir))) {
                throw new InvalidRequestException("Cannot back up " + given + ": it is not the data directory of the server at "
                        + pg.server() + ", which is " + serverDir + " (HINT: pass " + serverDir + " or point PGHOST/PGPORT at "
                        + "the server that owns " + given + ")");
            }
        } catch (IOException e) {
            throw new InvalidRequestException("Cannot back up " + given + ": cannot compare it with the server's data "
                    + "directory " + serverDir + " (" + e.getMessage() + "; HINT: run on the database host, as a user "
                    + "that can read the data directory)", e);
        }
        return given;
    }

    private static long readControlSystemIdentifier(Path dataDir) {
        Path control = dataDir.resolve("global/pg_control");
        try (InputStream in = Files.newInputStream(control)) {
            byte[] b = in.readNBytes(8);
            if (b.length < 8) {
                throw new InvalidRequestException(control + " is too short to be a pg_control file");
            }
            return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
        } catch (IOException e) {
            throw new InvalidRequestException("Cannot read " + control + ": " + e.getMessage()
                    + " (HINT: is this a PostgreSQL data directory, readable by this user?)", e);
        }
    }
}
