package io.walkeeper.cli;

import io.walkeeper.api.WalPushResult;
import io.walkeeper.core.WalKeeper;
import io.walkeeper.core.wal.ArchiveStatus;
import io.walkeeper.core.wal.WalPushAhead;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code wal-push PATH}: archives one WAL file; PostgreSQL's {@code archive_command}. When the
 * launcher passes its identity of the configuration ({@value #PUSH_AHEAD_ID}) and it is the
 * identity of the configuration in effect ({@link PushAheadIdentity}), it also archives the next
 * ready segments in parallel and leaves a marker for each under
 * {@code pg_wal/.walkeeper-pushed/<identity>/}, so that the launcher answers PostgreSQL's next
 * calls for them without starting a JVM. Markers of any other identity are removed.
 */
@Command(name = "wal-push", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Archive one WAL file. Use it as archive_command = 'walkeeper wal-push %%p'.",
                "Exits 0 once the file is stored durably, or when the archive already holds it with identical content; "
                        + "refuses to overwrite different content. Also archives up to WALKEEPER_WAL_PUSH_AHEAD ready "
                        + "segments ahead, in parallel."})
public final class WalPushCommand implements Callable<Integer> {
    /** System property with the launcher's identity of the configuration, naming the marker directory. */
    static final String PUSH_AHEAD_ID = "walkeeper.pushAheadId";
    /** The directory inside {@code pg_wal} that holds push-ahead markers. */
    static final String MARKER_DIR = ".walkeeper-pushed";

    @ParentCommand
    WalKeeperCli root;

    @Parameters(index = "0", paramLabel = "PATH", description = "the WAL file (PostgreSQL's %%p, relative to the data directory)")
    Path path;

    @Override
    public Integer call() {
        Logger log = LoggerFactory.getLogger(WalPushCommand.class);
        long started = System.nanoTime();
        CliConfiguration config = root.configuration();
        if (dropForQueueLimit(config, log)) {
            return 0;
        }
        try (WalKeeper wk = WalKeeperFactory.repository(config)) {
            WalPushResult result = wk.walArchiver().push(path);
            log.debug("wal-push {}: {} in {} ms", path.getFileName(), result, (System.nanoTime() - started) / 1_000_000);
            String id = System.getProperty(PUSH_AHEAD_ID, "");
            int ahead = config.walPushAhead();
            Path walDir = path.toAbsolutePath().getParent();
            String effective = effectiveIdentity(config, log);
            boolean agreed = effective != null && effective.equals(id);
            if (!id.isEmpty() && !agreed) {
                log.debug("Not archiving ahead: the launcher's identity of the configuration ({}) is not the one in effect "
                        + "({}), e.g. another home directory or a file changed since it was read", id, effective);
            }
            removeStaleMarkers(walDir.resolve(MARKER_DIR), agreed ? id : null, log);
            removeFinishedPrefetchSpools(walDir, log);
            if (ahead > 0 && agreed && Files.isDirectory(walDir.resolve("archive_status"))) {
                int threads = Math.max(1, Math.min(ahead, config.concurrency().orElse(4)));
                List<String> pushed = new WalPushAhead(wk.walArchiver(), threads)
                        .pushReady(walDir, path.getFileName().toString(), ahead, walDir.resolve(MARKER_DIR).resolve(id));
                if (!pushed.isEmpty()) {
                    log.debug("wal-push archived {} ready segments ahead in {} ms", pushed.size(),
                            (System.nanoTime() - started) / 1_000_000);
                }
            }
        }
        return 0;
    }

    /**
     * {@code WALKEEPER_ARCHIVE_QUEUE_MAX}: with more ready WAL waiting in {@code pg_wal} than that,
     * the segment offered is acknowledged without being archived, loudly. Only segments are ever
     * dropped; history files and the rest are always archived.
     */
    private boolean dropForQueueLimit(CliConfiguration config, Logger log) {
        java.util.OptionalLong max = config.archiveQueueMax();
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (max.isEmpty() || !name.matches("[0-9A-F]{24}") || !Files.isRegularFile(path)) {
            return false;
        }
        Path walDir = path.toAbsolutePath().getParent();
        long queued = 0;
        try {
            for (String segment : ArchiveStatus.readySegments(walDir)) {
                queued += Files.size(walDir.resolve(segment));
            }
        } catch (IOException e) {
            log.warn("Cannot measure the WAL waiting to be archived in {}: {}", walDir, e.toString());
            return false;
        }
        if (queued <= max.getAsLong()) {
            return false;
        }
        log.error("WAL DROPPED: {} was NOT archived. {} of WAL waits to be archived in {}, more than "
                + "WALKEEPER_ARCHIVE_QUEUE_MAX ({}): it is acknowledged without being stored so that pg_wal does not fill the "
                + "disk. Point-in-time recovery across {} is now impossible, and backups taken before it cannot be recovered "
                + "past it: find why archiving falls behind, then take a new base backup.", name, ByteSizes.format(queued),
                walDir, ByteSizes.format(max.getAsLong()), name);
        return true;
    }

    private String effectiveIdentity(CliConfiguration config, Logger log) {
        try {
            return PushAheadIdentity.of(config.file().orElse(null), root.host().variables());
        } catch (IOException e) {
            log.debug("Cannot compute the identity of the configuration: {}", e.toString());
            return null;
        }
    }

    /** A prefetch spool a restore left behind (its fetcher killed before recovery ended) is removed once the server runs. */
    private static void removeFinishedPrefetchSpools(Path walDir, Logger log) {
        if (Files.isDirectory(walDir.resolve(PrefetchSpool.DIR)) && walDir.getParent() != null
                && !PrefetchSpool.inRecovery(walDir.getParent())) {
            try {
                PrefetchSpool.removeOthers(walDir, null);
                log.debug("Removed the WAL prefetch spools of a finished recovery");
            } catch (IOException e) {
                log.warn("Cannot remove the WAL prefetch spools under {}: {}", walDir, e.toString());
            }
        }
    }

    /** Markers of any other configuration (or all, when the launcher and Java disagree) can never be trusted: removed. */
    private static void removeStaleMarkers(Path markers, String keep, Logger log) {
        if (!Files.isDirectory(markers)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(markers)) {
            for (Path d : dirs.filter(d -> keep == null || !d.getFileName().toString().equals(keep)).toList()) {
                try (Stream<Path> files = Files.walk(d)) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                log.debug("Removed push-ahead markers of another configuration: {}", d.getFileName());
            }
        } catch (IOException e) {
            log.warn("Cannot remove stale push-ahead markers under {}: {}", markers, e.toString());
        }
    }
}
