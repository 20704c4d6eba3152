package io.walkeeper.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A temporary file that no directory names: created owner-only in {@code java.io.tmpdir}, opened,
 * and unlinked at once, so that it is read and written through its open channel alone. The
 * operating system frees it when it is closed or when the process ends, however it ends: a
 * command killed with {@code -9} while it holds the file list of a million-file backup leaves
 * nothing behind in the temporary directory.
 *
 * <p>Writes append at the end; any number of readers may read at the same time from their own
 * positions. Not for use after {@link #close()}.
 */
public final class UnlinkedTempFile implements AutoCloseable {
    private final FileChannel channel;
    private final OutputStream append;

    private UnlinkedTempFile(FileChannel channel) {
        this.channel = channel;
        this.append = Channels.newOutputStream(channel);
    }

    /**
     * Creates the file.
     *
     * @param prefix the start of its name while it has one, for a reader of {@code lsof}
     * @return the open, unnamed file
     * @throws IOException if it cannot be created
     */
    public static UnlinkedTempFile create(String prefix) throws IOException {
        // createTempFile makes it owner-only on POSIX file systems
        Path file = Files.createTempFile(prefix, ".tmp");
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } finally {
            Files.delete(file);
        }
        return new UnlinkedTempFile(channel);
    }

    /**
     * Returns a stream that appends to the file; unbuffered, and closing it closes the file.
     *
     * @return the stream
     */
    public OutputStream append() {
        return append;
    }

    /** @return the channel, for positional reads */
    public FileChannel channel() {
        return channel;
    }

    /**
     * Returns an unbuffered stream that reads the file from a position, independently of any
     * other reader; closing it does not close the file.
     *
     * @param position where to start
     * @return the stream
     */
    public InputStream readFrom(long position) {
        return new InputStream() {
            private long next = position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                int n = channel.read(ByteBuffer.wrap(b, off, len), next);
                if (n > 0) {
                    next += n;
                }
                return n;
            }
        };
    }

    /**
     * Reads {@code length} bytes from a position.
     *
     * @param position where to start
     * @param length how many bytes
     * @return the bytes
     * @throws IOException if the file ends first or cannot be read
     */
    public byte[] read(long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                throw new java.io.EOFException("the temporary file ends at " + (position + buf.position()) + ", before "
                        + (position + length));
            }
        }
        return buf.array();
    }

    /** Closes the file, which frees it. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
