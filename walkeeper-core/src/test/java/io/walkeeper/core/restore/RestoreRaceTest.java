package io.walkeeper.core.restore;

import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.core.backup.TestBackups;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two restores started at the same instant into the same empty directory, many times over: at
 * most one may succeed, and one that reports success must leave a complete data directory, whatever
 * the other one did while failing.
 */
class RestoreRaceTest {
    @TempDir
    Path tmp;

    @Test
    void twoRestoresIntoOneDirectoryNeverLeaveAReportedSuccessIncomplete() throws Exception {
        Path data = tmp.resolve("data");
        Random random = new Random(11);
        Map<String, byte[]> content = new TreeMap<>();
        for (int i = 0; i < 40; i++) {
            byte[] b = new byte[8192 * (1 + random.nextInt(4))];
            random.nextBytes(b);
            content.put("base/1/" + (16384 + i), b);
        }
        byte[] control = new byte[8192];
        random.nextBytes(control);
        content.put("global/pg_control", control);
        for (var e : content.entrySet()) {
            Files.createDirectories(data.resolve(e.getKey()).getParent());
            Files.write(data.resolve(e.getKey()), e.getValue());
        }
        Repository repo = new Repository(new InMemoryBlobStore(),
                new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null, Providers.codecs()));
        TestBackups.take(repo, data, "base_1", new Lsn(1L << 24), Instant.parse("2026-01-01T00:00:00Z"), null, 5);

        int successes = 0;
        int bothFailed = 0;
        List<String> incomplete = new ArrayList<>();
        for (int round = 0; round < 60; round++) {
            Path target = tmp.resolve("restore-" + round);
            CyclicBarrier start = new CyclicBarrier(2);
            List<AtomicReference<Object>> outcomes = List.of(new AtomicReference<>(), new AtomicReference<>());
            List<Thread> threads = new ArrayList<>();
            for (AtomicReference<Object> outcome : outcomes) {
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                        outcome.set(new DefaultRestorer(repo, 2).restore(RestoreRequest.of(BackupSelector.latest(), target, "fetch %f %p")));
                    } catch (WalKeeperException e) {
                        outcome.set(e);
                    } catch (Exception e) {
                        outcome.set(new AssertionError("unexpected failure", e));
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            long ok = outcomes.stream().filter(o -> !(o.get() instanceof Throwable)).count();
            for (AtomicReference<Object> o : outcomes) {
                if (o.get() instanceof AssertionError a) {
                    throw a;
                }
            }
            assertTrue(ok <= 1, "round " + round + ": both restores into one directory reported success");
            if (ok == 0) {
                bothFailed++;
                continue;
            }
            successes++;
            for (var e : content.entrySet()) {
                Path p = target.resolve(e.getKey());
                if (!Files.exists(p) || !Arrays.equals(e.getValue(), Files.readAllBytes(p))) {
                    incomplete.add("round " + round + ": " + e.getKey());
                    break;
                }
            }
            if (!Files.exists(target.resolve("backup_label"))) {
                incomplete.add("round " + round + ": backup_label");
            }
        }
        assertEquals(List.of(), incomplete, "a restore reported success but its directory is incomplete");
        assertEquals(0, bothFailed, "one of two racing restores must win");
        assertEquals(60, successes);
    }
}
