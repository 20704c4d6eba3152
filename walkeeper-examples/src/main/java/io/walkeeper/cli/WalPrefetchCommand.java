package io.walkeeper.cli;

import io.walkeeper.api.WalArchiver;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.core.WalKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code wal-prefetch DATADIR WALNAME} (hidden): the background fetcher {@code wal-fetch} starts
 * during recovery. It keeps the spool of its configuration ({@link PrefetchSpool}) filled with the
 * {@code WALKEEPER_PREFETCH} segments that follow the last one PostgreSQL asked for, on that
 * segment's timeline, so that the launcher answers the next {@code restore_command} calls
 * without a JVM. It knows what PostgreSQL asked for from {@value PrefetchSpool#REQUESTED}
 * (written by {@code wal-fetch} in a JVM) and from the spooled segments that disappear (taken by
 * the launcher).
 *
 * <p>One runs per spool: it holds {@value PrefetchSpool#LOCK} and exits at once when another
 * does. It stops when recovery ends (no {@code recovery.signal} nor {@code standby.signal}), then
 * removing the spool; when the spool directory is removed; when the launcher and this JVM do not
 * agree on the configuration; and after {@code --idle-timeout} seconds in which PostgreSQL asked
 * for nothing new. A segment that cannot be fetched or verified is not spooled: {@code wal-fetch}
 * then fetches it itself and reports the failure exactly as without prefetching.
 */
@Command(name = WalPrefetchCommand.NAME, hidden = true, mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Background fetcher started by wal-fetch during recovery: keeps WALKEEPER_PREFETCH segments "
                + "downloaded and verified ahead in pg_wal/.walkeeper-prefetch/<identity>/.")
public final class WalPrefetchCommand implements Callable<Integer> {
    static final String NAME = "wal-prefetch";
    private static final long POLL_MILLIS = 20;

    @ParentCommand
    WalKeeperCli root;

    @Parameters(index = "0", paramLabel = "DATADIR", description = "the data directory of the recovering server")
    Path dataDirectory;

    @Parameters(index = "1", paramLabel = "WALNAME", description = "the segment PostgreSQL asked for last")
    String first;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "stop after this many seconds without a new request (default ${DEFAULT-VALUE})")
    int idleTimeoutSeconds;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Logger log = LoggerFactory.getLogger(WalPrefetchCommand.class);
        CliConfiguration config = root.configuration();
        int ahead = config.prefetch();
        String id = System.getProperty(WalPushCommand.PUSH_AHEAD_ID, "");
        String effective;
        try {
            effective = PushAheadIdentity.of(config.file().orElse(null), root.host().variables());
        } catch (IOException e) {
            effective = null;
        }
        if (ahead == 0 || id.isEmpty() || !id.equals(effective) || !PrefetchSpool.isSegment(first)) {
            log.debug("Not prefetching: off, or the configuration is not the one wal-fetch used");
            return 0;
        }
        Path data = dataDirectory.toAbsolutePath().normalize();
        PrefetchSpool spool = new PrefetchSpool(data.resolve("pg_wal"), id);
        if (!PrefetchSpool.inRecovery(data)) {
            spool.remove(); // recovery is over: nothing in it can be needed any more
            return 0;
        }
        FileLock lock = spool.tryLockFetcher();
        if (lock == null) {
            log.debug("Another fetcher fills {}", spool.directory());
            return 0;
        }
        try (FileChannel channel = lock.channel()) { // closing it releases the lock
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            try (WalKeeper wk = WalKeeperFactory.repository(config)) {
                run(wk.walArchiver(), spool, ahead, data, log);
            }
        }
        return 0;
    }

    private void run(WalArchiver archiver, PrefetchSpool spool, int ahead, Path data, Logger log)
            throws IOException, InterruptedException {
        log.info("Prefetching {} WAL segments ahead of recovery into {}", ahead, spool.directory());
        String position = first;
        String lastNoted = spool.requested().orElse(null);
        Set<String> known = new HashSet<>();
        long lastProgress = System.nanoTime();
        long idleNanos = idleTimeoutSeconds * 1_000_000_000L;
        long delayMillis = POLL_MILLIS;
        while (true) {
            if (!PrefetchSpool.inRecovery(data)) {
                spool.remove();
                log.info("Recovery has ended: stopped prefetching and removed {}", spool.directory());
                return;
            }
            if (!Files.isDirectory(spool.directory())) {
                log.info("{} was removed: stopped prefetching", spool.directory());
                return;
            }
            String before = position;
            String noted = spool.requested().orElse(null);
            if (noted != null && !noted.equals(lastNoted)) {
                position = noted; // what PostgreSQL asked for last, even on another timeline
                lastNoted = noted;
            }
            List<String> present = spool.spooledSegments();
            for (String gone : known) {
                // taken by the launcher: PostgreSQL asked for it
                if (!present.contains(gone) && sameTimeline(gone, position) && gone.compareTo(position) > 0) {
                    position = gone;
                }
            }
            if (!position.equals(before)) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > idleNanos) {
                log.info("Nothing asked for in {} s: stopped prefetching", idleTimeoutSeconds);
                return;
            }
            List<String> added;
            try {
                added = archiver.prefetch(position, spool.directory(), ahead);
            } catch (WalKeeperException e) {
                log.warn("Prefetching after {} failed: {}", position, e.getMessage());
                added = List.of();
            }
            known = new HashSet<>(spool.spooledSegments());
            if (known.size() >= ahead) {
                Thread.sleep(POLL_MILLIS); // window full: watch for the next segment taken
                delayMillis = POLL_MILLIS;
            } else if (added.isEmpty()) {
                // the end of the archive so far, or a segment that cannot be read: ask again, less and
                // less often, but at once when PostgreSQL takes a segment or asks for a new one
                if (!position.equals(before)) {
                    delayMillis = POLL_MILLIS;
                }
                awaitRequest(spool, known, lastNoted, delayMillis);
                delayMillis = Math.min(1000, delayMillis * 2);
            } else {
                delayMillis = POLL_MILLIS;
            }
        }
    }

    /** Sleeps up to {@code millis}, waking when a spooled segment is taken or wal-fetch notes a new request. */
    private static void awaitRequest(PrefetchSpool spool, Set<String> spooled, String noted, long millis)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < end) {
            Thread.sleep(POLL_MILLIS);
            try {
                if (!spool.spooledSegments().containsAll(spooled)
                        || !Objects.equals(spool.requested().orElse(null), noted)) {
                    return;
                }
            } catch (NoSuchFileException removed) {
                return; // recovery has ended or the spool was removed: the loop sees it and stops
            }
        }
    }

    private static boolean sameTimeline(String a, String b) {
        return a.regionMatches(0, b, 0, 8);
    }
}
