package io.walkeeper.cli;

import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.WalFetchResult;
import io.walkeeper.core.WalKeeper;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code wal-fetch WALNAME DEST}: restores one WAL file; PostgreSQL's {@code restore_command}. */
@Command(name = "wal-fetch", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Fetch one WAL file from the archive. Use it as restore_command = 'walkeeper wal-fetch %%f %%p'.",
                "Exits 0 when the complete file is at DEST, 4 when the archive does not hold it (normal at the end of "
                        + "recovery), and another non-zero code on failure; DEST is written atomically."})
public final class WalFetchCommand implements Callable<Integer> {
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
        WalFetchResult result;
        try (WalKeeper wk = WalKeeperFactory.repository(root.configuration())) {
            result = wk.walArchiver().fetch(name, destination);
        }
        if (result == WalFetchResult.NOT_FOUND) {
            spec.commandLine().getErr().println("walkeeper: " + name + " is not in the archive");
            return ErrorCode.NOT_FOUND.exitCode();
        }
        LoggerFactory.getLogger(WalFetchCommand.class).debug("wal-fetch {}: fetched in {} ms", name,
                (System.nanoTime() - started) / 1_000_000);
        return 0;
    }
}
