package io.walkeeper.core.restore;

import io.walkeeper.core.repo.DeltaFile;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * Puts files together from a chain of backups read newest first: each backup only fills the
 * blocks of each file that no newer backup wrote, so every block is written exactly once and a
 * file is finished as soon as one backup held it whole. Files are cut to the length the newest
 * backup recorded. Backups are applied one after the other; within one, a file is in one part,
 * or in chunks of disjoint ranges in several parts that threads apply at once, so the record of
 * the blocks written is guarded per file, and each thread writes (and syncs) its own range.
 *
 * <p>Files are known by their number in the newest backup's file list. What the assembler keeps
 * per file is its length and two bits (finished, created); the blocks written are recorded only
 * for a file some backup has begun and not finished, so the heap grows with the files in
 * progress (a handful in a full backup, the changed files of a chain of deltas), not with the
 * files of the cluster.
 */
final class FileAssembler {
    private static final int BUFFER = 256 * 1024;
    private static final long NOT_EXPECTED = -1;

    private final int blockSize;
    private final BlockWriter writer;
    private final Runnable firstOpened;
    private final ToIntFunction<String> numberOf;
    private final IntFunction<String> pathOf;
    /** Length by number, or {@link #NOT_EXPECTED}; written before any part is applied. */
    private final long[] sizes;
    /** Guarded by {@code this}: files whose every block is written, files opened at least once. */
    private final BitSet finished = new BitSet();
    private final BitSet created = new BitSet();
    /** Guarded by {@code this}: the files begun and not finished. */
    private final Map<Integer, State> inProgress = new HashMap<>();

    /** The blocks written of one file in progress; guarded by itself. */
    private static final class State {
        final int blocks;
        final BitSet done = new BitSet();

        State(int blocks) {
            this.blocks = blocks;
        }

        /** @return a record with every block written, for a copy that arrives after the file is finished */
        static State whole(int blocks) {
            State s = new State(blocks);
            s.done.set(0, blocks);
            return s;
        }
    }

    /**
     * Creates an assembler over files named in a map, numbered in the map's order.
     *
     * @param finalSizes every file the restore must produce, with the length the newest backup recorded
     * @param blockSize the unit of writes (the cluster's page size)
     * @param writer where bytes go
     */
    FileAssembler(Map<String, Long> finalSizes, int blockSize, BlockWriter writer) {
        this(finalSizes.size(), numbering(finalSizes), List.copyOf(finalSizes.keySet())::get, blockSize, writer,
                () -> { });
        for (var e : finalSizes.entrySet()) {
            expect(numberOf.applyAsInt(e.getKey()), e.getValue());
        }
    }

    private static ToIntFunction<String> numbering(Map<String, Long> files) {
        Map<String, Integer> numbers = new HashMap<>();
        for (String path : files.keySet()) {
            numbers.put(path, numbers.size());
        }
        return path -> numbers.getOrDefault(path, -1);
    }

    /**
     * Creates an assembler that expects no file yet: {@link #expect} adds them.
     *
     * @param count how many entries the newest file list holds
     * @param numberOf the number of a path in that list, or -1 if it does not name it
     * @param pathOf the path of a number
     * @param blockSize the unit of writes (the cluster's page size)
     * @param writer where bytes go
     * @param firstOpened told once per file, when it is first opened, for progress
     */
    FileAssembler(int count, ToIntFunction<String> numberOf, IntFunction<String> pathOf, int blockSize,
                  BlockWriter writer, Runnable firstOpened) {
        if (blockSize <= 0 || BUFFER % blockSize != 0) {
            throw new IllegalArgumentException("block size " + blockSize + " does not divide " + BUFFER);
        }
        this.blockSize = blockSize;
        this.writer = writer;
        this.firstOpened = firstOpened;
        this.numberOf = numberOf;
        this.pathOf = pathOf;
        this.sizes = new long[count];
        Arrays.fill(sizes, NOT_EXPECTED);
    }

    /**
     * Adds a file the restore must produce; call before any part is applied.
     *
     * @param n the file's number in the newest file list
     * @param size the length the newest backup recorded
     */
    synchronized void expect(int n, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("file " + pathOf.apply(n) + " has length " + size);
        }
        sizes[n] = size;
        finished.set(n, size == 0);
    }

    /**
     * Whether a file still needs blocks.
     *
     * @param path the path inside the backup
     * @return {@code true} if the restore produces it and some block is not written yet
     */
    boolean needed(String path) {
        int n = numberOf.applyAsInt(path);
        if (n < 0 || sizes[n] == NOT_EXPECTED) {
            return false;
        }
        synchronized (this) {
            return !finished.get(n);
        }
    }

    /**
     * Fills the missing blocks of a file from its whole contents.
     *
     * @param path the file
     * @param in the contents, exactly {@code length} bytes
     * @param length the length of this copy of the file
     * @throws IOException if reading or writing fails
     */
    void applyWhole(String path, InputStream in, long length) throws IOException {
        applyRange(path, in, 0, length);
    }

    /**
     * Fills the missing blocks of a file from one chunk of its whole contents.
     *
     * @param path the file
     * @param in the chunk, exactly {@code length} bytes
     * @param offset where the chunk starts in the file; a multiple of the block size
     * @param length the length of the chunk
     * @throws IOException if reading or writing fails
     */
    void applyRange(String path, InputStream in, long offset, long length) throws IOException {
        if (offset % blockSize != 0) {
            throw new IOException("a chunk of '" + path + "' starts at " + offset + ", not at a page boundary");
        }
        int n = number(path);
        State s = begin(n);
        long size = sizes[n];
        byte[] buf = new byte[BUFFER];
        try (BlockWriter.Target target = open(path, n)) {
            long end = offset + length;
            long pos = offset;
            while (pos < end) {
                int len = (int) Math.min(buf.length, end - pos);
                readFully(in, buf, len, path);
                writeRuns(s, size, target, pos, buf, len);
                pos += len;
            }
        }
        settle(n, s);
    }

    /**
     * Fills the missing blocks of a file from a delta entry.
     *
     * @param path the file
     * @param in the {@link DeltaFile} entry, exactly {@code entrySize} bytes
     * @param entrySize the entry's size
     * @param recordedSize the file length the backup holding the entry recorded
     * @throws IOException if the entry is malformed or reading or writing fails
     */
    void applyDelta(String path, InputStream in, long entrySize, long recordedSize) throws IOException {
        int n = number(path);
        DeltaFile d = DeltaFile.readHeader(in, entrySize);
        if (d.blockSize() != blockSize) {
            throw new IOException("'" + path + "' holds " + d.blockSize() + "-byte pages, the backup " + blockSize);
        }
        if (d.fileSize() != recordedSize) {
            throw new IOException("'" + path + "' records length " + d.fileSize() + ", the manifest " + recordedSize);
        }
        State s = begin(n);
        long size = sizes[n];
        byte[] page = new byte[blockSize];
        try (BlockWriter.Target target = open(path, n)) {
            for (int block : d.blocks()) {
                readFully(in, page, blockSize, path);
                boolean missing;
                synchronized (s) {
                    missing = block < s.blocks && !s.done.get(block);
                }
                if (missing) {
                    long pos = (long) block * blockSize;
                    target.write(pos, page, 0, (int) Math.min(blockSize, size - pos));
                    synchronized (s) {
                        s.done.set(block);
                    }
                }
            }
        }
        settle(n, s);
    }

    /**
     * Creates the files no backup wrote a byte of (empty ones) and lists those still missing blocks.
     *
     * @return paths of incomplete files with their first missing block; empty when all are whole
     * @throws IOException if an empty file cannot be created
     */
    List<String> finish() throws IOException {
        List<String> missing = new ArrayList<>();
        for (int n = 0; n < sizes.length; n++) {
            if (sizes[n] == NOT_EXPECTED) {
                continue;
            }
            boolean done;
            boolean opened;
            State s;
            synchronized (this) {
                done = finished.get(n);
                opened = created.get(n);
                s = inProgress.get(n);
            }
            if (!done) {
                int first;
                int blocks = blocks(sizes[n]);
                if (s == null) {
                    first = 0;
                } else {
                    synchronized (s) {
                        first = s.done.nextClearBit(0);
                    }
                }
                missing.add(pathOf.apply(n) + " (block " + first + " of " + blocks + ")");
            } else if (!opened) {
                open(pathOf.apply(n), n).close();
            }
        }
        missing.sort(null);
        return missing;
    }

    /** @return how many files are begun and not finished (their blocks are recorded) */
    synchronized int inProgress() {
        return inProgress.size();
    }

    private int number(String path) throws IOException {
        int n = numberOf.applyAsInt(path);
        if (n < 0 || sizes[n] == NOT_EXPECTED) {
            throw new IOException("'" + path + "' is not a file this restore produces");
        }
        return n;
    }

    private int blocks(long size) {
        return (int) ((size + blockSize - 1) / blockSize);
    }

    /**
     * @return the record of a file's blocks, created on first use; once the file is finished, one
     *         with every block written, so a further copy is read through and writes nothing
     */
    private synchronized State begin(int n) {
        if (finished.get(n)) {
            return State.whole(blocks(sizes[n]));
        }
        return inProgress.computeIfAbsent(n, k -> new State(blocks(sizes[k])));
    }

    /** Marks a file finished, and forgets its blocks, once every block is written. */
    private void settle(int n, State s) {
        boolean whole;
        synchronized (s) {
            whole = s.done.cardinality() == s.blocks;
        }
        if (whole) {
            synchronized (this) {
                finished.set(n);
                inProgress.remove(n);
            }
        }
    }

    private BlockWriter.Target open(String path, int n) throws IOException {
        BlockWriter.Target t = writer.open(path);
        boolean first;
        synchronized (this) {
            first = !created.get(n);
            created.set(n);
        }
        if (first) {
            firstOpened.run();
        }
        return t;
    }

    /** Writes the blocks of {@code buf} (file bytes from {@code pos}) that are inside the file and not yet written. */
    private void writeRuns(State s, long size, BlockWriter.Target target, long pos, byte[] buf, int n)
            throws IOException {
        int first = (int) (pos / blockSize);
        int last = (int) Math.min(s.blocks, (pos + n + blockSize - 1) / blockSize); // exclusive
        int b = first;
        while (b < last) {
            int end;
            synchronized (s) {
                b = s.done.nextClearBit(b);
                int nextDone = s.done.nextSetBit(b);
                end = Math.min(last, nextDone < 0 ? last : nextDone);
            }
            if (b >= last) {
                break;
            }
            long from = (long) b * blockSize;
            long to = Math.min(Math.min((long) end * blockSize, size), pos + n);
            if (to <= from) {
                break;
            }
            boolean partialLast = to < Math.min((long) end * blockSize, size);
            int whole = partialLast ? (int) ((to - from) / blockSize) : end - b;
            if (whole == 0) {
                break;
            }
            long writeTo = partialLast ? from + (long) whole * blockSize : to;
            target.write(from, buf, (int) (from - pos), (int) (writeTo - from));
            synchronized (s) {
                s.done.set(b, b + whole);
            }
            b += whole;
        }
    }

    private static void readFully(InputStream in, byte[] buf, int n, String path) throws IOException {
        int off = 0;
        while (off < n) {
            int r = in.read(buf, off, n - off);
            if (r < 0) {
                throw new IOException("the backup's copy of '" + path + "' ends early");
            }
            off += r;
        }
    }
}
