package io.walkeeper.cli;

import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalFetchResult;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.core.WalKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code wal-fetch WALNAME DEST}: restores one WAL file; PostgreSQL's {@code restore_command}.
 *
 * <p>PostgreSQL reads every exit status from 1 to 125 as "not in the archive": recovery to the
 * latest point then ends there, promotes and forks a timeline, silently losing all later WAL. So
 * only a file the archive does not hold exits {@value #NOT_FOUND_EXIT}; when the file exists but
 * cannot be used (corrupt, truncated, undecryptable, of another cluster, an unknown codec), or the
 * archive cannot be read at all, this command exits {@value #ABORT_RECOVERY}, above 125, and
 * PostgreSQL stops recovery with an error instead. The one exception is a standby
 * ({@code standby.signal} in the data directory): an archive it cannot reach is "not available"
 * ({@link ErrorCode#STORAGE}), so that it keeps streaming and tries again later.
 *
 * <p>During recovery, with {@code WALKEEPER_PREFETCH} above 0, a segment is first looked for in the
 * prefetch spool of the configuration in effect ({@link PrefetchSpool}) and moved into place from
 * there; any other request is fetched as described above, and after a segment is fetched or taken
 * the background fetcher ({@link WalPrefetchCommand}) is told, or started when none runs. Nothing
 * about prefetching ever changes the outcome of a request the spool cannot serve.
 */
@Command(name = "wal-fetch", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Fetch one WAL file from the archive. Use it as restore_command = 'walkeeper wal-fetch %%f %%p'.",
                "Exits 0 when the complete file is at DEST (written atomically), 4 when the archive does not hold it (normal "
                        + "at the end of recovery), and 200 when the file is in the archive but cannot be used, or the "
                        + "archive cannot be read: PostgreSQL then stops recovery rather than end it early. On a standby, an "
                        + "unreachable archive exits 7 (not available), so that it retries.",
                "During recovery it also keeps WALKEEPER_PREFETCH segments (default 8) downloaded and verified ahead in "
                        + "pg_wal/.walkeeper-prefetch/, filled by a background process, which the launcher serves without a JVM."})
public final class WalFetchCommand implements Callable<Integer> {
    /** Exit status that makes PostgreSQL abort recovery: above 125, and not a shell's or a signal's. */
    public static final int ABORT_RECOVERY = 200;
    private static final int NOT_FOUND_EXIT = 4;

    @ParentCommand
    WalKeeperCli root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WALNAME", description = "the WAL file name (PostgreSQL's %%f)")
    String name;

    @Parameters(index = "1", paramLabel = "DEST", description = "where to write it (PostgreSQL's %%p)")
    Path destination;

    @Override
    public Integer call() {
        long started = System.nanoTime();
        Logger log = LoggerFactory.getLogger(WalFetchCommand.class);
        WalFetchResult result;
        PrefetchSpool spool;
        CliConfiguration config;
        try {
            config = root.configuration();
            try {
                spool = prefetchSpool(config, log);
            } catch (RuntimeException e) {
                // prefetching is an optimisation: it never turns a fetch into a failure
                log.debug("Not using the prefetch spool: {}", e.toString());
                spool = null;
            }
            if (spool != null && take(spool, log)) {
                log.debug("wal-fetch {}: taken from the prefetch spool in {} ms", name, (System.nanoTime() - started) / 1_000_000);
                keepPrefetching(spool, config, log);
                return 0;
            }
            try (WalKeeper wk = WalKeeperFactory.repository(config)) {
                result = wk.walArchiver().fetch(name, destination);
            }
        } catch (RuntimeException e) {
            return failed(e, log);
        }
        if (result == WalFetchResult.NOT_FOUND) {
            spec.commandLine().getErr().println("walkeeper: " + name + " is not in the archive");
            return NOT_FOUND_EXIT;
        }
        log.debug("wal-fetch {}: fetched in {} ms", name, (System.nanoTime() - started) / 1_000_000);
        if (spool != null && PrefetchSpool.isSegment(name)) {
            keepPrefetching(spool, config, log);
        }
        return 0;
    }

    /**
     * The prefetch spool to use, or {@code null} when prefetching is off, the server is not
     * recovering, the destination is not in {@code pg_wal}, or the launcher's identity of the
     * configuration is not the one in effect. Spools of any other identity (all of them when none
     * applies) are removed: they can never be used.
     */
    private PrefetchSpool prefetchSpool(CliConfiguration config, Logger log) {
        Path walDir = PrefetchSpool.walDirectoryOf(destination);
        if (walDir == null) {
            return null;
        }
        String id = System.getProperty(WalPushCommand.PUSH_AHEAD_ID, "");
        String effective;
        try {
            effective = PushAheadIdentity.of(config.file().orElse(null), root.host().variables());
        } catch (IOException e) {
            log.debug("Cannot compute the identity of the configuration: {}", e.toString());
            effective = null;
        }
        boolean usable = config.prefetch() > 0 && effective != null && (id.isEmpty() || id.equals(effective))
                && PrefetchSpool.inRecovery(walDir.getParent());
        if (!id.isEmpty() && effective != null && !id.equals(effective)) {
            log.debug("Not prefetching: the launcher's identity of the configuration ({}) is not the one in effect ({})",
                    id, effective);
        }
        try {
            PrefetchSpool.removeOthers(walDir, usable ? effective : null);
        } catch (IOException e) {
            log.debug("Cannot remove prefetch spools of other configurations: {}", e.toString());
        }
        return usable ? new PrefetchSpool(walDir, effective) : null;
    }

    private boolean take(PrefetchSpool spool, Logger log) {
        try {
            return spool.take(name, destination);
        } catch (IOException e) {
            log.debug("Cannot take {} from the prefetch spool, fetching it: {}", name, e.toString());
            return false;
        }
    }

    /** Tells the background fetcher what PostgreSQL asked for, and starts one if none runs. Never fails the fetch. */
    private void keepPrefetching(PrefetchSpool spool, CliConfiguration config, Logger log) {
        try {
            spool.noteRequested(name);
            if (!spool.fetcherRunning()) {
                Process p = spool.startFetcher(config.file(), root.host().variables(), name);
                log.debug("Started the WAL prefetcher (pid {}) for {}", p.pid(), spool.directory());
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Cannot start prefetching after {}: {}", name, e.toString());
        }
    }

    private int failed(RuntimeException e, Logger log) {
        WalKeeperException known = e instanceof WalKeeperException w ? w : null;
        boolean standby = Files.exists(dataDirectory().resolve("standby.signal"));
        PrintWriter err = spec.commandLine().getErr();
        String message = known != null ? known.getMessage() : "unexpected failure: " + e;
        log.debug("wal-fetch {} failed", name, e);
        if (standby && known instanceof StorageException) {
            err.println("ERROR: " + message + " (the standby retries later)");
            err.flush();
            return ErrorCode.STORAGE.exitCode();
        }
        err.println("ERROR: " + message);
        err.println("walkeeper: recovery must stop here rather than end early: " + name + " cannot be fetched, and "
                + "replaying on without it would lose every later transaction (HINT: fix the cause above, e.g. restore the "
                + "object or the key, or make the storage reachable, then start PostgreSQL again: recovery resumes where it "
                + "stopped)");
        err.flush();
        return ABORT_RECOVERY;
    }

    /** The data directory PostgreSQL runs the command in: DEST is {@code pg_wal/...} relative to it. */
    private Path dataDirectory() {
        Path dest = destination.toAbsolutePath().normalize();
        Path parent = dest.getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("pg_wal")
                && parent.getParent() != null) {
            return parent.getParent();
        }
        return Path.of("").toAbsolutePath();
    }
}
