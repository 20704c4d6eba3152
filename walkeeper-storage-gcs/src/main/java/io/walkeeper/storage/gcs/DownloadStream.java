package io.walkeeper.storage.gcs;

import com.google.cloud.ReadChannel;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.spi.ProviderInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An object's bytes, read from a {@link ReadChannel}. {@link #open} reads the first bytes at once,
 * so that a missing object or a denied read fails when the stream is opened rather than at its
 * first read. Later failures follow {@link ProviderInputStream}'s rule: an {@link IOException}
 * when it is worth retrying (the caller may resume with a ranged read), the translated
 * {@link WalKeeperException} otherwise. Used by one thread.
 */
final class DownloadStream extends ProviderInputStream {
    private static final int FIRST_READ = 8 * 1024;

    private final ReadChannel channel;
    private final GcsErrors errors;
    private final String key;
    private ByteBuffer first;
    private boolean firstEnded;

    private DownloadStream(ReadChannel channel, GcsErrors errors, String key, String description, long offset) {
        super(description, offset);
        this.channel = channel;
        this.errors = errors;
        this.key = key;
    }

    /**
     * Starts reading from the channel's position.
     *
     * @param channel the reader, positioned at {@code offset}; closed on failure
     * @param errors translates failures
     * @param key the object's key, for messages
     * @param description the object and its store, for messages
     * @param offset the channel's position
     * @return the stream
     * @throws WalKeeperException translated from the first read's failure
     */
    static DownloadStream open(ReadChannel channel, GcsErrors errors, String key, String description, long offset) {
        DownloadStream stream = new DownloadStream(channel, errors, key, description, offset);
        ByteBuffer buffer = ByteBuffer.allocate(FIRST_READ);
        try {
            int n = stream.readChannel(buffer);
            buffer.flip();
            stream.first = buffer;
            stream.firstEnded = n < 0;
            return stream;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw errors.translate("read", key, GcsErrors.Target.OBJECT, e);
        }
    }

    @Override
    protected int readBody(byte[] b, int off, int len) throws IOException {
        if (first != null) {
            if (first.hasRemaining()) {
                int n = Math.min(len, first.remaining());
                first.get(b, off, n);
                return n;
            }
            first = null;
            if (firstEnded) {
                return -1;
            }
        }
        return readChannel(ByteBuffer.wrap(b, off, len));
    }

    @Override
    protected WalKeeperException translate(Exception failure) {
        return errors.translate("read", key, GcsErrors.Target.OBJECT, failure);
    }

    @Override
    protected void closeBody(boolean endedNormally) {
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
