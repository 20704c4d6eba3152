package io.walkeeper.core.restore;

import io.walkeeper.core.repo.DeltaFile;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts files together from a chain of backups read newest first: each backup only fills the
 * blocks of each file that no newer backup wrote, so every block is written exactly once and a
 * file is finished as soon as one backup held it whole. Files are cut to the length the newest
 * backup recorded. Backups are applied one after the other; within one, a file is in one part,
 * or in chunks of disjoint ranges in several parts that threads apply at once, so the record of
 * the blocks written is guarded per file, and each thread writes (and syncs) its own range.
 */
final class FileAssembler {
    private static final int BUFFER = 256 * 1024;

    private final int blockSize;
    private final BlockWriter writer;
    private final Runnable firstOpened;
    private final Map<String, State> files = new HashMap<>();

    private static final class State {
        final long size;
        final int blocks;
        final BitSet done = new BitSet();
        boolean created;

        State(long size, int blockSize) {
            this.size = size;
            this.blocks = (int) ((size + blockSize - 1) / blockSize);
        }

        boolean complete() {
            return done.cardinality() == blocks;
        }
    }

    /**
     * Creates an assembler.
     *
     * @param finalSizes every file the restore must produce, with the length the newest backup recorded
     * @param blockSize the unit of writes (the cluster's page size)
     * @param writer where bytes go
     */
    FileAssembler(Map<String, Long> finalSizes, int blockSize, BlockWriter writer) {
        this(blockSize, writer, () -> { });
        finalSizes.forEach(this::expect);
    }

    /**
     * Creates an assembler that expects no file yet: {@link #expect} adds them.
     *
     * @param blockSize the unit of writes (the cluster's page size)
     * @param writer where bytes go
     * @param firstOpened told once per file, when it is first opened, for progress
     */
    FileAssembler(int blockSize, BlockWriter writer, Runnable firstOpened) {
        if (blockSize <= 0 || BUFFER % blockSize != 0) {
            throw new IllegalArgumentException("block size " + blockSize + " does not divide " + BUFFER);
        }
        this.blockSize = blockSize;
        this.writer = writer;
        this.firstOpened = firstOpened;
    }

    /**
     * Adds a file the restore must produce; call before any part is applied.
     *
     * @param path the path inside the backup
     * @param size the length the newest backup recorded
     */
    void expect(String path, long size) {
        files.put(path, new State(size, blockSize));
    }

    /**
     * Whether a file still needs blocks.
     *
     * @param path the path inside the backup
     * @return {@code true} if the restore produces it and some block is not written yet
     */
    boolean needed(String path) {
        State s = files.get(path);
        if (s == null) {
            return false;
        }
        synchronized (s) {
            return !s.complete();
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
        State s = files.get(path);
        byte[] buf = new byte[BUFFER];
        try (BlockWriter.Target target = open(path, s)) {
            long end = offset + length;
            long pos = offset;
            while (pos < end) {
                int n = (int) Math.min(buf.length, end - pos);
                readFully(in, buf, n, path);
                writeRuns(s, target, pos, buf, n);
                pos += n;
            }
        }
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
        State s = files.get(path);
        DeltaFile d = DeltaFile.readHeader(in, entrySize);
        if (d.blockSize() != blockSize) {
            throw new IOException("'" + path + "' holds " + d.blockSize() + "-byte pages, the backup " + blockSize);
        }
        if (d.fileSize() != recordedSize) {
            throw new IOException("'" + path + "' records length " + d.fileSize() + ", the manifest " + recordedSize);
        }
        byte[] page = new byte[blockSize];
        try (BlockWriter.Target target = open(path, s)) {
            for (int block : d.blocks()) {
                readFully(in, page, blockSize, path);
                boolean missing;
                synchronized (s) {
                    missing = block < s.blocks && !s.done.get(block);
                }
                if (missing) {
                    long pos = (long) block * blockSize;
                    target.write(pos, page, 0, (int) Math.min(blockSize, s.size - pos));
                    synchronized (s) {
                        s.done.set(block);
                    }
                }
            }
        }
    }

    /**
     * Creates the files no backup wrote a byte of (empty ones) and lists those still missing blocks.
     *
     * @return paths of incomplete files with their first missing block; empty when all are whole
     * @throws IOException if an empty file cannot be created
     */
    List<String> finish() throws IOException {
        List<String> missing = new ArrayList<>();
        for (var e : files.entrySet()) {
            State s = e.getValue();
            boolean complete;
            synchronized (s) {
                complete = s.complete();
            }
            if (!complete) {
                missing.add(e.getKey() + " (block " + s.done.nextClearBit(0) + " of " + s.blocks + ")");
            } else if (!s.created) {
                open(e.getKey(), s).close();
            }
        }
        missing.sort(null);
        return missing;
    }

    private BlockWriter.Target open(String path, State s) throws IOException {
        BlockWriter.Target t = writer.open(path);
        boolean first;
        synchronized (s) {
            first = !s.created;
            s.created = true;
        }
        if (first) {
            firstOpened.run();
        }
        return t;
    }

    /** Writes the blocks of {@code buf} (file bytes from {@code pos}) that are inside the file and not yet written. */
    private void writeRuns(State s, BlockWriter.Target target, long pos, byte[] buf, int n) throws IOException {
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
            long to = Math.min(Math.min((long) end * blockSize, s.size), pos + n);
            if (to <= from) {
                break;
            }
            boolean partialLast = to < Math.min((long) end * blockSize, s.size);
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
