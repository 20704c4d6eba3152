package io.walkeeper.compress;

import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Writes a brotli stream and proves, as it goes, that it decodes back to what was written: every
 * compressed byte also goes through a native decoder, and at {@link #close()} the decoder must
 * have reached the end of the stream with the same length and CRC-32C as the input. Otherwise a
 * write, or at the latest {@code close()}, fails with an {@link IOException} and the object must
 * not be stored (a failing {@link io.walkeeper.spi.BlobWriter} aborts its write).
 *
 * <p>Why: brotli4j 1.24.0's native encoder (brotli 1.2.1) writes corrupt streams at qualities 2
 * and 3 when it is given 32 KiB or more of input at once, as its own output stream does with its
 * default buffer: at quality 3, 5 of 20 pieces of 16 MiB of pgbench data were affected, and brotli
 * has no checksum that would reveal it on restore. {@link BrotliCodec} gives the encoder at most
 * {@link #ENCODER_INPUT_SIZE} bytes at once, which avoided it on all the data tried; this check
 * makes any other such failure loud.
 *
 * <p>For one thread. {@link #close()} closes the destination, also when the check fails.
 */
final class VerifyingBrotliOutputStream extends OutputStream {
    /** The most input handed to the native encoder at once. */
    static final int ENCODER_INPUT_SIZE = 16 * 1024;
    private static final int DECODER_INPUT_SIZE = 64 * 1024;

    /** Makes the encoding stream that writes compressed bytes into a destination. */
    interface EncoderFactory {
        OutputStream open(OutputStream compressed) throws IOException;
    }

    private final OutputStream out;
    private final OutputStream encoder;
    private final DecoderJNI.Wrapper decoder;
    private final CRC32C writtenChecksum = new CRC32C();
    private final CRC32C decodedChecksum = new CRC32C();
    private long written;
    private long decoded;
    private long compressed;
    private boolean closed;

    VerifyingBrotliOutputStream(OutputStream out, EncoderFactory encoderFactory) throws IOException {
        this.out = Objects.requireNonNull(out, "out");
        this.decoder = new DecoderJNI.Wrapper(DECODER_INPUT_SIZE);
        OutputStream opened;
        try {
            opened = encoderFactory.open(new CompressedBytes());
        } catch (IOException | RuntimeException e) {
            decoder.destroy();
            throw e;
        }
        this.encoder = opened;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("Cannot write to brotli stream: it is closed");
        }
        // counted first: the encoder may hand out (and the decoder decode) these bytes right away
        writtenChecksum.update(b, off, len);
        written += len;
        encoder.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        encoder.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (out) {
            try {
                encoder.close();
                finishDecoding();
            } finally {
                decoder.destroy();
            }
        }
    }

    private void finishDecoding() throws IOException {
        drainDecoder();
        // the decoder may hold input it has taken in but not decoded: let it go on without more
        while (decoder.getStatus() == DecoderJNI.Status.NEEDS_MORE_INPUT) {
            decoder.push(0);
            if (decoder.getStatus() == DecoderJNI.Status.NEEDS_MORE_INPUT && !decoder.hasOutput()) {
                break;
            }
            drainDecoder();
        }
        if (decoder.getStatus() != DecoderJNI.Status.DONE || decoded != written
                || decodedChecksum.getValue() != writtenChecksum.getValue()) {
            String difference = decoded == written ? ", with a different CRC-32C" : "";
            throw encoderFailure("it decodes to " + decoded + " bytes (decoder " + decoder.getStatus()
                    + ") instead of the " + written + " written" + difference);
        }
    }

    /** Feeds compressed bytes to the decoder. */
    private void decode(byte[] b, int off, int len) throws IOException {
        ByteBuffer input = decoder.getInputBuffer();
        while (len > 0) {
            drainDecoder();
            if (decoder.getStatus() != DecoderJNI.Status.NEEDS_MORE_INPUT) {
                throw encoderFailure("the decoder is " + decoder.getStatus() + " with " + len
                        + " compressed bytes left");
            }
            int n = Math.min(len, input.capacity());
            input.clear();
            input.put(b, off, n);
            decoder.push(n);
            off += n;
            len -= n;
        }
        drainDecoder();
    }

    /** Takes all output the decoder can give without more input. */
    private void drainDecoder() throws IOException {
        while (true) {
            DecoderJNI.Status status = decoder.getStatus();
            if (status == DecoderJNI.Status.NEEDS_MORE_OUTPUT || decoder.hasOutput()) {
                ByteBuffer chunk = decoder.pull();
                decoded += chunk.remaining();
                decodedChecksum.update(chunk);
                if (decoded > written) {
                    throw encoderFailure("it decodes to more bytes than were written");
                }
            } else if (status == DecoderJNI.Status.OK) {
                decoder.push(0);
            } else if (status == DecoderJNI.Status.ERROR) {
                throw encoderFailure("it does not decode (corrupt at about compressed byte " + compressed + ")");
            } else {
                return;
            }
        }
    }

    private IOException encoderFailure(String detail) {
        return new IOException("Cannot write brotli stream: the encoder produced a stream that does not decode to "
                + "its input: " + detail + " (the object must not be stored; choose another codec or quality)");
    }

    /** Where the encoder writes: on to the destination and into the checking decoder. */
    private final class CompressedBytes extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            decode(b, off, len);
            compressed += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() {
            // the destination is closed by the outer stream, after the check
        }
    }
}
