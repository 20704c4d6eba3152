package io.walkeeper.cli;

import io.walkeeper.api.WalPushResult;
import io.walkeeper.core.WalKeeper;
import io.walkeeper.core.wal.WalPushAhead;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code wal-push PATH}: archives one WAL file; PostgreSQL's {@code archive_command}. When the
 * launcher passes a configuration identity ({@value #PUSH_AHEAD_ID}), it also archives the next
 * ready segments in parallel and leaves a marker for each under
 * {@code pg_wal/.walkeeper-pushed/<identity>/}, so that the launcher answers PostgreSQL's next
 * calls for them without starting a JVM.
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
        try (WalKeeper wk = WalKeeperFactory.repository(config)) {
            WalPushResult result = wk.walArchiver().push(path);
            log.debug("wal-push {}: {} in {} ms", path.getFileName(), result, (System.nanoTime() - started) / 1_000_000);
            String id = System.getProperty(PUSH_AHEAD_ID, "");
            int ahead = config.walPushAhead();
            Path walDir = path.toAbsolutePath().getParent();
            if (ahead > 0 && id.matches("[0-9a-f]{16,64}") && Files.isDirectory(walDir.resolve("archive_status"))) {
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
}
