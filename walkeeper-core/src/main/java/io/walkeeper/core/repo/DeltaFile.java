package io.walkeeper.core.repo;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The increment of one relation file in a delta backup, stored as the file's tar entry:
 * a header (magic {@code WKDELTA1}, format version, block size, the file's length, the number of
 * blocks), the block numbers in ascending order (unsigned 32-bit), then the pages in that order.
 * All numbers are big-endian.
 *
 * @param blockSize the page size
 * @param fileSize the file's length after restore
 * @param blocks the stored block numbers, ascending
 */
public record DeltaFile(int blockSize, long fileSize, int[] blocks) {
    /** Format version written by this release. */
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "WKDELTA1".getBytes(StandardCharsets.US_ASCII);
    private static final int FIXED_HEADER = MAGIC.length + 4 + 4 + 8 + 4;

    /** Checks the header values. */
    public DeltaFile {
        if (blockSize < 512 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("invalid block size " + blockSize);
        }
        if (fileSize < 0) {
            throw new IllegalArgumentException("negative file size " + fileSize);
        }
        for (int i = 0; i < blocks.length; i++) {
            if (blocks[i] < 0 || (i > 0 && blocks[i] <= blocks[i - 1])) {
                throw new IllegalArgumentException("block numbers must be ascending and non-negative");
            }
        }
    }

    /**
     * Returns the number of bytes of the whole entry: header, block list and pages.
     *
     * @return the tar entry size
     */
    public long entrySize() {
        return headerSize() + (long) blocks.length * blockSize;
    }

    /** @return bytes before the first page */
    public long headerSize() {
        return FIXED_HEADER + 4L * blocks.length;
    }

    /**
     * Writes the header and block list; the caller then writes the pages in order.
     *
     * @param out the entry stream
     * @throws IOException if writing fails
     */
    public void writeHeader(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.write(MAGIC);
        d.writeInt(VERSION);
        d.writeInt(blockSize);
        d.writeLong(fileSize);
        d.writeInt(blocks.length);
        for (int b : blocks) {
            d.writeInt(b);
        }
        d.flush();
    }

    /**
     * Reads a header and block list, leaving {@code in} at the first page.
     *
     * @param in the entry stream
     * @param entrySize the tar entry's size, checked against the header
     * @return the header
     * @throws IOException if the stream ends early or the header is not a valid increment
     */
    public static DeltaFile readHeader(InputStream in, long entrySize) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] magic = new byte[MAGIC.length];
        try {
            d.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("not a delta file (bad magic)");
            }
            int version = d.readInt();
            if (version != VERSION) {
                throw new IOException("delta file format version " + version + " is not supported (this release reads "
                        + VERSION + ")");
            }
            int blockSize = d.readInt();
            long fileSize = d.readLong();
            int count = d.readInt();
            if (count < 0 || FIXED_HEADER + 4L * count > entrySize) {
                throw new IOException("delta file claims " + count + " blocks, more than its " + entrySize + " bytes hold");
            }
            int[] blocks = new int[count];
            for (int i = 0; i < count; i++) {
                blocks[i] = d.readInt();
            }
            DeltaFile f;
            try {
                f = new DeltaFile(blockSize, fileSize, blocks);
            } catch (IllegalArgumentException e) {
                throw new IOException("invalid delta file header: " + e.getMessage(), e);
            }
            if (f.entrySize() != entrySize) {
                throw new IOException("delta file of " + count + " blocks should be " + f.entrySize() + " bytes, not " + entrySize);
            }
            return f;
        } catch (EOFException e) {
            throw new IOException("delta file header is truncated", e);
        }
    }
}
