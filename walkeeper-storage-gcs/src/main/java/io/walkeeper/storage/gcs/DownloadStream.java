package io.walkeeper.storage.gcs;

import com.google.cloud.ReadChannel;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * An object's bytes, read from a {@link ReadChannel}. {@link #open} reads the first bytes at once,
 * so that a missing object or a denied read fails when the stream is opened rather than at its
 * first read. A failure later on is thrown as an {@link IOException} when it is worth retrying
 * (the caller may resume with a ranged read) and as the translated {@link WalKeeperException}
 * otherwise. Used by one thread.
 */
final class DownloadStream extends InputStream {
    private static final int FIRST_READ = 8 * 1024;

    private final ReadChannel channel;
    private final GcsErrors errors;
    private final String key;
    private ByteBuffer first;
    private boolean eof;

    private DownloadStream(ReadChannel channel, GcsErrors errors, String key) {
        this.channel = channel;
        this.errors = errors;
        this.key = key;
    }

    /**
     * Starts reading from the channel's position.
     *
     * @param channel the reader, positioned; closed on failure
     * @param errors translates failures
     * @param key the object's key, for messages
     * @return the stream
     * @throws WalKeeperException translated from the first read's failure
     */
    static DownloadStream open(ReadChannel channel, GcsErrors errors, String key) {
        DownloadStream stream = new DownloadStream(channel, errors, key);
        ByteBuffer buffer = ByteBuffer.allocate(FIRST_READ);
        try {
            int n = stream.readChannel(buffer);
            buffer.flip();
            stream.first = buffer;
            stream.eof = n < 0;
            return stream;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw errors.translate("read", key, GcsErrors.Target.OBJECT, e);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (first != null) {
            if (first.hasRemaining()) {
                int n = Math.min(len, first.remaining());
                first.get(b, off, n);
                return n;
            }
            first = null;
        }
        if (eof) {
            return -1;
        }
        try {
            int n = readChannel(ByteBuffer.wrap(b, off, len));
            eof = n < 0;
            return n;
        } catch (IOException | RuntimeException e) {
            WalKeeperException translated = errors.translate("read", key, GcsErrors.Target.OBJECT, e);
            if (translated instanceof StorageException s && s.isRetryable()) {
                throw new IOException(translated.getMessage(), translated);
            }
            throw translated;
        }
    }

    @Override
    public void close() {
        channel.close();
    }

    /** Reads at least one byte, or returns -1 at the end. */
    private int readChannel(ByteBuffer buffer) throws IOException {
        while (true) {
            int n = channel.read(buffer);
            if (n != 0) {
                return n;
            }
        }
    }
}
