package io.walkeeper.cli;

import io.walkeeper.api.WalPushResult;
import io.walkeeper.core.WalKeeper;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code wal-push PATH}: archives one WAL file; PostgreSQL's {@code archive_command}. */
@Command(name = "wal-push", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Archive one WAL file. Use it as archive_command = 'walkeeper wal-push %%p'.",
                "Exits 0 once the file is stored durably, or when the archive already holds it with identical content; "
                        + "refuses to overwrite different content."})
public final class WalPushCommand implements Callable<Integer> {
    @ParentCommand
    WalKeeperCli root;

    @Parameters(index = "0", paramLabel = "PATH", description = "the WAL file (PostgreSQL's %%p, relative to the data directory)")
    Path path;

    @Override
    public Integer call() {
        long started = System.nanoTime();
        try (WalKeeper wk = WalKeeperFactory.repository(root.configuration())) {
            WalPushResult result = wk.walArchiver().push(path);
            LoggerFactory.getLogger(WalPushCommand.class).debug("wal-push {}: {} in {} ms", path.getFileName(), result,
                    (System.nanoTime() - started) / 1_000_000);
        }
        return 0;
    }
}
