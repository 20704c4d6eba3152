package io.walkeeper.compress;

import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Decodes one brotli stream read from a source, driving brotli4j's native decoder directly.
 *
 * <p>brotli4j's own {@code BrotliInputStream} fails valid streams of a few MiB and more with
 * "unexpected end of input": after handing out a chunk of output, the native decoder reports that
 * it needs more input whenever it has taken in all input given so far, even when it still holds
 * undecoded bits of that input; at the source's end that stream gives up. This one then lets the
 * decoder go on without new input, and only when that makes no progress is the stream truncated.
 *
 * <p>Brotli has no checksum, so a truncated stream is recognised only by the decoder not having
 * reached its final meta-block when the source ends; that holds for every cut, because the last
 * byte of a stream always carries bits of its final meta-block header. Bytes after the end of
 * the stream are refused too. Corruption is found only when it breaks the format. For one thread.
 */
final class BrotliDecodingInputStream extends InputStream {

    private static final int INPUT_BUFFER_SIZE = 64 * 1024;

    private final InputStream source;
    private final DecoderJNI.Wrapper decoder;
    private final byte[] transfer = new byte[INPUT_BUFFER_SIZE];
    /** Decoded bytes not yet read: native memory, valid until the decoder's next push or pull. */
    private ByteBuffer output;
    private boolean sourceEnded;
    private boolean finished;
    private boolean closed;

    BrotliDecodingInputStream(InputStream source) throws IOException {
        this.source = source;
        this.decoder = new DecoderJNI.Wrapper(INPUT_BUFFER_SIZE);
    }

    @Override
    public int read() throws IOException {
        return hasOutput() ? output.get() & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!hasOutput()) {
            return -1;
        }
        int n = Math.min(len, output.remaining());
        output.get(b, off, n);
        return n;
    }

    @Override
    public int available() throws IOException {
        ensureOpen();
        return output == null ? 0 : output.remaining();
    }

    /** Decodes until there is output to read; returns false at the end of the stream. */
    private boolean hasOutput() throws IOException {
        ensureOpen();
        while (output == null || !output.hasRemaining()) {
            output = null;
            if (finished || !advance()) {
                return false;
            }
        }
        return true;
    }

    /** Takes one step of decoding; returns false once the stream has ended. */
    private boolean advance() throws IOException {
        switch (decoder.getStatus()) {
            case DONE:
                rejectTrailingBytes();
                finished = true;
                return false;
            case NEEDS_MORE_OUTPUT:
                output = decoder.pull();
                return true;
            case OK:
                decoder.push(0);
                return true;
            case NEEDS_MORE_INPUT:
                if (decoder.hasOutput()) {
                    output = decoder.pull();
                } else if (!sourceEnded && fill()) {
                    return true;
                } else {
                    // The source has ended; the decoder may still hold input it has taken in but
                    // not decoded. Let it go on once without new input: no output and still
                    // wanting input means the stream was cut short.
                    decoder.push(0);
                    if (decoder.getStatus() == DecoderJNI.Status.NEEDS_MORE_INPUT && !decoder.hasOutput()) {
                        throw new IOException("Cannot decode brotli stream: it ends before its last meta-block "
                                + "(the object was truncated)");
                    }
                }
                return true;
            default:
                throw new IOException("Cannot decode brotli stream: it is corrupt");
        }
    }

    /** Pushes the next bytes of the source to the decoder; returns false at the source's end. */
    private boolean fill() throws IOException {
        int n;
        do {
            n = source.read(transfer, 0, transfer.length);
        } while (n == 0);
        if (n < 0) {
            sourceEnded = true;
            return false;
        }
        ByteBuffer input = decoder.getInputBuffer();
        input.clear();
        input.put(transfer, 0, n);
        decoder.push(n);
        return true;
    }

    private void rejectTrailingBytes() throws IOException {
        if (!sourceEnded && source.read() >= 0) {
            throw new IOException("Cannot decode brotli stream: there are bytes after its end "
                    + "(the object is corrupt or is not one brotli stream)");
        }
        sourceEnded = true;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("Cannot read brotli stream: it is closed");
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        output = null;
        try {
            decoder.destroy();
        } finally {
            source.close();
        }
    }
}
