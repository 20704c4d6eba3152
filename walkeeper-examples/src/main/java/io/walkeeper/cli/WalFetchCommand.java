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
 */
@Command(name = "wal-fetch", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Fetch one WAL file from the archive. Use it as restore_command = 'walkeeper wal-fetch %%f %%p'.",
                "Exits 0 when the complete file is at DEST (written atomically), 4 when the archive does not hold it (normal "
                        + "at the end of recovery), and 200 when the file is in the archive but cannot be used, or the "
                        + "archive cannot be read: PostgreSQL then stops recovery rather than end it early. On a standby, an "
                        + "unreachable archive exits 7 (not available), so that it retries."})
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
        try (WalKeeper wk = WalKeeperFactory.repository(root.configuration())) {
            result = wk.walArchiver().fetch(name, destination);
        } catch (RuntimeException e) {
            return failed(e, log);
        }
        if (result == WalFetchResult.NOT_FOUND) {
            spec.commandLine().getErr().println("walkeeper: " + name + " is not in the archive");
            return NOT_FOUND_EXIT;
        }
        log.debug("wal-fetch {}: fetched in {} ms", name, (System.nanoTime() - started) / 1_000_000);
        return 0;
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
