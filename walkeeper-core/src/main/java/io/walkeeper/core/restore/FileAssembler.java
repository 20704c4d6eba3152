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
 * backup recorded. A file is touched by one thread at a time (each backup holds a file in one
 * part, and backups are applied one after the other).
 */
final class FileAssembler {
    private static final int BUFFER = 256 * 1024;

    private final int blockSize;
    private final BlockWriter writer;
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
        if (blockSize <= 0 || BUFFER % blockSize != 0) {
            throw new IllegalArgumentException("block size " + blockSize + " does not divide " + BUFFER);
        }
        this.blockSize = blockSize;
        this.writer = writer;
        finalSizes.forEach((path, size) -> files.put(path, new State(size, blockSize)));
    }

    /**
     * Whether a file still needs blocks.
     *
     * @param path the path inside the backup
     * @return {@code true} if the restore produces it and some block is not written yet
     */
    boolean needed(String path) {
        State s = files.get(path);
        return s != null && !s.complete();
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
        State s = files.get(path);
        byte[] buf = new byte[BUFFER];
        try (BlockWriter.Target target = open(path, s)) {
            long pos = 0;
            while (pos < length) {
                int n = (int) Math.min(buf.length, length - pos);
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
                if (block < s.blocks && !s.done.get(block)) {
                    long pos = (long) block * blockSize;
                    target.write(pos, page, 0, (int) Math.min(blockSize, s.size - pos));
                    s.done.set(block);
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
            if (!s.complete()) {
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
        s.created = true;
        return t;
    }

    /** Writes the blocks of {@code buf} (file bytes from {@code pos}) that are inside the file and not yet written. */
    private void writeRuns(State s, BlockWriter.Target target, long pos, byte[] buf, int n) throws IOException {
        int first = (int) (pos / blockSize);
        int last = (int) Math.min(s.blocks, (pos + n + blockSize - 1) / blockSize); // exclusive
        int b = first;
        while (b < last) {
            b = s.done.nextClearBit(b);
            if (b >= last) {
                break;
            }
            int end = Math.min(last, s.done.nextSetBit(b) < 0 ? last : s.done.nextSetBit(b));
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
            s.done.set(b, b + whole);
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
