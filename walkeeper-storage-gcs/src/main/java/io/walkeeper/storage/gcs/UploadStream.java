package io.walkeeper.storage.gcs;

import com.google.cloud.WriteChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The stream a {@link io.walkeeper.spi.BlobWriter} writes into: passes bytes to a resumable
 * upload's {@link WriteChannel}, which buffers one chunk and sends it when full. Remembers the
 * channel's first failure so that the store reports the upload's failure, not what the writer made
 * of it. {@link #close()} does nothing: the store, not the writer, finishes the upload. Used by one
 * thread.
 */
final class UploadStream extends OutputStream {
    private final WriteChannel channel;
    private Exception failure;

    UploadStream(WriteChannel channel) {
        this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (failure != null) {
            throw new IOException("the upload failed already", failure);
        }
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
            throw new IOException("uploading failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // the store finishes the upload once the writer has returned
    }

    /**
     * Returns the channel's failure, if writing to it failed.
     *
     * @return the failure, or {@code null}
     */
    Exception failure() {
        return failure;
    }
}
