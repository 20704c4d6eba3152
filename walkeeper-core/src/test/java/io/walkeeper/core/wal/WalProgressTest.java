package io.walkeeper.core.wal;

import io.walkeeper.api.WalFetchResult;
import io.walkeeper.api.WalProgress;
import io.walkeeper.api.WalProgressListener;
import io.walkeeper.api.WalPushResult;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.storage.fs.FsBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link WalProgressListener} of an archiver on a file store: one event per file archived,
 * fetched or prefetched, each operation's counts growing one file at a time to the totals of what
 * was done (also from parallel prefetch threads); nothing for a file already archived or not in the
 * archive; and a listener that throws at every event never failing the push or fetch.
 */
class WalProgressTest {
    private static final long SYSID = 7441012542342354944L;

    @TempDir
    Path dir;

    private FsBlobStore store;
    private final List<WalProgress> events = new CopyOnWriteArrayList<>();
    private DefaultWalArchiver archiver;
    private Path wal;

    @BeforeEach
    void archiver() throws IOException {
        store = FsBlobStore.open(dir.resolve("repo"));
        archiver = new DefaultWalArchiver(new Repository(store, new ObjectFormat(Providers.codec("lz4"), null, null,
                Providers.codecs())), p -> {
                    events.add(p);
                    throw new IllegalStateException("a listener that fails must not fail the archiver");
                });
        wal = Files.createDirectories(dir.resolve("pg_wal"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static String seg(int n) {
        return String.format("00000001000000000000%04X", n);
    }

    private List<WalProgress> of(WalProgress.Operation op) {
        return events.stream().filter(e -> e.operation() == op).toList();
    }

    /** One file more and its bytes more at each event; returns the last. */
    private static WalProgress checkRunningTotals(List<WalProgress> ops, int files, long bytes) {
        long sum = 0;
        for (int i = 0; i < ops.size(); i++) {
            WalProgress p = ops.get(i);
            sum += p.bytes();
            assertEquals(i + 1, p.filesDone(), ops.toString());
            assertEquals(sum, p.bytesDone(), ops.toString());
        }
        assertEquals(files, ops.size(), ops.toString());
        WalProgress last = ops.get(ops.size() - 1);
        assertEquals(bytes, last.bytesDone());
        return last;
    }

    @Test
    void countsWhatWasArchivedFetchedAndPrefetched() throws IOException {
        long segmentBytes = 0;
        for (int n = 1; n <= 8; n++) {
            Path f = Files.write(wal.resolve(seg(n)), DefaultWalArchiverTest.segment(seg(n), SYSID, n));
            assertEquals(WalPushResult.STORED, archiver.push(f));
            segmentBytes += Files.size(f);
        }
        Path history = Files.writeString(wal.resolve("00000002.history"), "1\t0/5000000\tno recovery target specified\n");
        assertEquals(WalPushResult.STORED, archiver.push(history));
        assertEquals(WalPushResult.ALREADY_ARCHIVED, archiver.push(wal.resolve(seg(3))), "counted once");
        checkRunningTotals(of(WalProgress.Operation.PUSH), 9, segmentBytes + Files.size(history));
        assertEquals(List.of(seg(1), seg(2)), of(WalProgress.Operation.PUSH).stream().limit(2).map(WalProgress::walFileName)
                .toList());

        Path restored = Files.createDirectories(dir.resolve("restored"));
        assertEquals(WalFetchResult.FETCHED, archiver.fetch(seg(1), restored.resolve("a")));
        assertEquals(WalFetchResult.FETCHED, archiver.fetch("00000002.history", restored.resolve("b")));
        assertEquals(WalFetchResult.NOT_FOUND, archiver.fetch("00000003.history", restored.resolve("c")));
        checkRunningTotals(of(WalProgress.Operation.FETCH), 2,
                Files.size(restored.resolve("a")) + Files.size(restored.resolve("b")));

        List<String> spooled = archiver.prefetch(seg(1), dir.resolve("spool"), 6);
        assertEquals(6, spooled.size());
        WalProgress last = checkRunningTotals(of(WalProgress.Operation.PREFETCH), 6, 6 * Files.size(wal.resolve(seg(1))));
        assertTrue(spooled.contains(last.walFileName()));
        assertEquals(17, events.size(), "nothing else: " + events);
    }
}
