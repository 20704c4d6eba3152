package io.walkeeper.cli;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.ConflictException;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalWatch;
import io.walkeeper.api.WalWatchOptions;
import io.walkeeper.core.WalKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code wal-daemon}: the resident archiver. It runs in the foreground until stopped (SIGTERM or
 * SIGINT) and archives every segment PostgreSQL marks ready as soon as it appears, in parallel
 * ({@link io.walkeeper.api.WalArchiver#watch}), leaving for each the push-ahead marker
 * {@code wal-push} leaves ({@code pg_wal/.walkeeper-pushed/<identity>/}), so that the launcher
 * answers {@code archive_command} without a JVM. It holds a lock on {@value #PID_FILE} in
 * {@code pg_wal}, which also holds its process id and identity: a second daemon for the same
 * {@code pg_wal} exits with status 10, and the launcher waits for the marker of a segment only
 * while the daemon named there runs under its own identity. Without a daemon, or once it is
 * gone, {@code wal-push} archives in a JVM exactly as before.
 */
@Command(name = "wal-daemon", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Resident WAL archiver: watches pg_wal/archive_status and archives ready segments as they appear, "
                + "in parallel, so that archive_command ('walkeeper wal-push %%p') answers at once. Runs until SIGTERM; "
                + "one per data directory (a second exits with status 10)."})
public final class WalDaemonCommand implements Callable<Integer> {
    /** The lock and process-id file inside {@code pg_wal}: {@code "<pid> <identity>"}. */
    static final String PID_FILE = ".walkeeper-daemon.pid";

    @ParentCommand
    WalKeeperCli root;

    @Option(names = "--pgdata", paramLabel = "DIR", description = "the server's data directory (default: the PGDATA setting)")
    Path dataDirectory;

    @Option(names = "--poll-millis", paramLabel = "MS", defaultValue = "200",
            description = "how often archive_status is read, in milliseconds (default ${DEFAULT-VALUE})")
    int pollMillis;

    @Override
    public Integer call() throws InterruptedException {
        Logger log = LoggerFactory.getLogger(WalDaemonCommand.class);
        CliConfiguration config = root.configuration();
        Path pgdata = (dataDirectory != null ? dataDirectory : config.pgData().orElseThrow(() -> new ConfigurationException(
                "wal-daemon needs the data directory: pass --pgdata or set PGDATA"))).toAbsolutePath().normalize();
        Path walDir = pgdata.resolve("pg_wal");
        String id = System.getProperty(WalPushCommand.PUSH_AHEAD_ID, "");
        String effective;
        try {
            effective = PushAheadIdentity.of(config.file().orElse(null), root.host().variables());
        } catch (IOException e) {
            effective = null;
        }
        boolean markers = !id.isEmpty() && id.equals(effective);
        if (!markers) {
            log.warn("The launcher's identity of the configuration is not the one in effect (or wal-daemon was not started "
                    + "through bin/walkeeper): archiving without markers, so archive_command still starts a JVM per segment");
        }
        WalWatchOptions options = WalWatchOptions.defaults()
                .withConcurrency(Math.max(1, Math.min(64, config.concurrency().orElse(4))))
                .withPollInterval(Duration.ofMillis(Math.max(10, pollMillis)));
        if (markers) {
            options = options.withMarkerDirectory(walDir.resolve(WalPushCommand.MARKER_DIR).resolve(id));
        }
        Path pidFile = walDir.resolve(PID_FILE);
        if (!Files.isDirectory(walDir)) {
            throw new io.walkeeper.api.InvalidRequestException("wal-daemon: " + pgdata + " has no pg_wal directory "
                    + "(HINT: --pgdata is the data directory of the server whose WAL to archive)");
        }
        FileChannel channel;
        FileLock lock;
        try {
            channel = FileChannel.open(pidFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            lock = channel.tryLock();
        } catch (IOException e) {
            throw new StorageException("wal-daemon: cannot open " + pidFile + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            closeQuietly(channel);
            String holder;
            try {
                holder = Files.readString(pidFile, StandardCharsets.US_ASCII).strip().split(" ")[0];
            } catch (IOException e) {
                holder = "?";
            }
            throw new ConflictException("Another wal-daemon (process " + holder + ") already archives " + walDir
                    + "; only one may run per data directory");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (WalKeeper wk = WalKeeperFactory.repository(config)) {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + " " + (markers ? id : "-") + "\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
            WalWatch watch = wk.walArchiver().watch(pgdata, options);
            Thread hook = new Thread(() -> {
                log.info("Stopping: finishing the segments being archived");
                watch.close();
                try {
                    // removed while still locked, so a daemon starting now locks a new file
                    Files.deleteIfExists(pidFile);
                } catch (IOException e) {
                    log.debug("Cannot remove {}: {}", pidFile, e.toString());
                }
                stopped.countDown();
            }, "walkeeper-wal-daemon-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            log.info("wal-daemon {} archives {} (markers: {})", ProcessHandle.current().pid(), walDir, markers ? "on" : "off");
            stopped.await();
        } catch (IOException e) {
            throw new StorageException("wal-daemon: cannot write " + pidFile + ": " + e.getMessage(), e);
        } finally {
            closeQuietly(channel);
        }
        return 0;
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
