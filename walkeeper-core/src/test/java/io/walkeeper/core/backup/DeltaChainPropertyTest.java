package io.walkeeper.core.backup;

import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.restore.DefaultRestorer;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * For any sequence of page edits, truncations, extensions (with data or zero pages), file
 * creations and deletions between backups, restoring the chain full, delta 1 .. delta n gives
 * files byte-identical to the data directory at the last backup. Backups are taken by the real
 * part writer with page LSNs that follow PostgreSQL's rule (a page written after a backup
 * started carries an LSN at or after that start); restores by the real restorer.
 */
class DeltaChainPropertyTest {
    private static final int BS = 8192;
    private static final String[] RELATIONS = {"base/1/16384", "base/1/16385.1", "base/1/16386_init"};
    private static final String VM = "base/1/16384_vm";
    private static final String MAP = "base/1/pg_filenode.map";
    private static final String CONTROL = "global/pg_control";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** One change: kind 0 edit page, 1 append pages, 2 truncate, 3 append zero pages, 4 rewrite vm, 5 rewrite map, 6 delete/recreate. */
    private record Op(int kind, int file, int arg) {
    }

    private static Gen<Op> ops() {
        return integers().between(0, 6).zip(integers().between(0, RELATIONS.length - 1), integers().between(0, 40), Op::new);
    }

    @Test
    void chainRestoreEqualsTheFinalState() {
        qt().withExamples(60).withShrinkCycles(50)
                .forAll(lists().of(lists().of(ops()).ofSizeBetween(0, 8)).ofSizeBetween(1, 5), integers().all())
                .checkAssert(this::check);
    }

    private void check(List<List<Op>> steps, int seed) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("delta-prop");
            run(dir, steps, new Random(seed));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                deleteTree(dir);
            }
        }
    }

    private void run(Path dir, List<List<Op>> steps, Random random) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Repository repo = new Repository(new InMemoryBlobStore(),
                new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null, Providers.codecs()));
        // initial state, all pages older than the first backup's start
        Map<String, byte[]> files = new TreeMap<>();
        for (String r : RELATIONS) {
            files.put(r, pages(1 + random.nextInt(12), lsnBefore(0, random), random));
        }
        files.put(VM, pages(1, lsnBefore(0, random), random));
        files.put(MAP, bytes(512, random));
        files.put(CONTROL, bytes(8192, random));
        Map<String, Instant> mtimes = new HashMap<>();
        files.keySet().forEach(p -> mtimes.put(p, mtime(0)));

        BackupManifest parent = null;
        for (int step = 0; step <= steps.size(); step++) {
            if (step > 0) {
                for (Op op : steps.get(step - 1)) {
                    apply(op, files, mtimes, step, random);
                }
                files.put(CONTROL, bytes(8192, random));
                mtimes.put(CONTROL, mtime(step));
            }
            writeTree(data, files, mtimes);
            parent = backup(repo, data, step, parent);
        }

        Path target = dir.resolve("restored");
        new DefaultRestorer(repo, 3).restore(RestoreRequest.of(BackupSelector.named(parent.name()), target, "false"));
        for (var e : files.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(target.resolve(e.getKey())), e.getKey() + " after " + steps);
        }
        try (Stream<Path> s = Files.walk(target.resolve("base"))) {
            assertEquals(files.keySet().stream().filter(p -> p.startsWith("base/")).count(),
                    s.filter(Files::isRegularFile).count(), "no file the last backup does not list");
        }
    }

    private static void apply(Op op, Map<String, byte[]> files, Map<String, Instant> mtimes, int step, Random random) {
        String path = RELATIONS[op.file()];
        byte[] f = files.get(path);
        long lsn = lsnBefore(step, random); // written after backup step-1 started
        switch (op.kind()) {
            case 0 -> {
                if (f != null && f.length > 0) {
                    int block = op.arg() % (f.length / BS);
                    System.arraycopy(pages(1, lsn, random), 0, f, block * BS, BS);
                }
            }
            case 1 -> files.put(path, concat(f, pages(1 + op.arg() % 5, lsn, random)));
            case 2 -> {
                if (f != null) {
                    files.put(path, Arrays.copyOf(f, (op.arg() % (f.length / BS + 1)) * BS));
                }
            }
            case 3 -> files.put(path, concat(f, new byte[(1 + op.arg() % 3) * BS]));
            case 4 -> {
                files.put(VM, pages(1, 0, random)); // a VM change need not move the page LSN
                mtimes.put(VM, mtime(step));
                return;
            }
            case 5 -> {
                files.put(MAP, bytes(512, random));
                mtimes.put(MAP, mtime(step));
                return;
            }
            default -> {
                if (f != null && op.arg() % 2 == 0) {
                    files.remove(path);
                } else {
                    files.put(path, pages(1 + op.arg() % 4, lsn, random));
                }
            }
        }
        if (files.containsKey(path)) {
            mtimes.put(path, mtime(step));
        }
    }

    private BackupManifest backup(Repository repo, Path data, int step, BackupManifest parent) throws IOException {
        return TestBackups.take(repo, data, "base_" + step, new Lsn(startLsn(step)), backupStart(step), parent, 2);
    }

    private static void writeTree(Path data, Map<String, byte[]> files, Map<String, Instant> mtimes) throws IOException {
        try (Stream<Path> s = Files.walk(data)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (!files.containsKey(data.relativize(p).toString())) {
                    Files.delete(p);
                }
            }
        }
        for (var e : files.entrySet()) {
            Path p = data.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            if (!Files.exists(p) || !Arrays.equals(Files.readAllBytes(p), e.getValue())) {
                Files.write(p, e.getValue());
            }
            Files.setLastModifiedTime(p, FileTime.from(mtimes.get(e.getKey())));
        }
    }

    /** Backup {@code step} starts at LSN (step+1) x 16 MiB, 10 minutes after the previous one. */
    private static long startLsn(int step) {
        return (step + 1L) << 24;
    }

    private static Instant backupStart(int step) {
        return T0.plusSeconds(600L * (step + 1));
    }

    /** Changes made before backup {@code step}: after backup step-1 started. */
    private static Instant mtime(int step) {
        return T0.plusSeconds(600L * step + 300);
    }

    private static long lsnBefore(int step, Random random) {
        long from = step == 0 ? 0x100 : startLsn(step - 1);
        return from + random.nextInt(1 << 20);
    }

    static byte[] pages(int n, long lsn, Random random) {
        byte[] b = new byte[n * BS];
        for (int i = 0; i < n; i++) {
            int o = i * BS;
            int upper = 64 + random.nextInt(BS - 128) & ~7;
            putInt(b, o, (int) (lsn >>> 32));
            putInt(b, o + 4, (int) lsn);
            putShort(b, o + 12, 28);
            putShort(b, o + 14, upper);
            putShort(b, o + 16, BS);
            putShort(b, o + 18, BS | 4);
            byte[] tail = new byte[BS - upper];
            random.nextBytes(tail);
            System.arraycopy(tail, 0, b, o + upper, tail.length);
        }
        return b;
    }

    private static byte[] bytes(int n, Random random) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a == null) {
            return b;
        }
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        } catch (IOException ignored) {
            // temporary directory; the OS cleans it eventually
        }
    }
}
