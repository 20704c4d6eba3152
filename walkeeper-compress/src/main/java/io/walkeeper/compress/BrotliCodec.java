package io.walkeeper.compress;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import io.walkeeper.spi.CompressionCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code brotli} codec: one raw brotli stream (RFC 7932, readable by the {@code brotli}
 * command-line tool and by WAL-G), with the encoder's default window of 4 MiB. The default quality
 * is {@value #QUALITY_DEFAULT}, WAL-G's. Measured on pgbench data (one core of a small machine),
 * quality 3 compressed at about 100 MB/s, self-check included, to 8 % of the original size
 * (zstd level 3: 210 to 330 MB/s, 9 to 10 %); quality 4 was half as fast for no gain, quality 5
 * a third as fast for 6 to 7 %. {@link #configure(Map)} takes {@value #QUALITY} from
 * {@value #QUALITY_MIN} to {@value #QUALITY_MAX}.
 *
 * <p>The format has no checksum. Decoding fails with an {@link java.io.IOException} when the input
 * is empty, ends before the stream's last meta-block, has bytes after it, or breaks the format;
 * other corruption can decode to wrong content, which the repository's own checksums must catch.
 *
 * <p>Compressing checks its own output: brotli4j 1.24.0's native encoder was seen to write corrupt
 * streams at qualities 2 and 3 when fed large blocks, so the encoder is fed 16 KiB at a time and
 * every compressed byte is also decoded, and {@code close()} fails if the stream does not decode to
 * exactly what was written. Both cost together about a quarter of the compression speed.
 * Uses brotli4j's native library, loaded on first use. Immutable and thread-safe.
 */
public final class BrotliCodec extends LevelledCodec {

    /** The codec's name, {@value}. */
    public static final String NAME = "brotli";
    /** The extension of objects this codec wrote, {@value}. */
    public static final String EXTENSION = "br";
    /** Setting: the quality, an integer from {@value #QUALITY_MIN} to {@value #QUALITY_MAX}. */
    public static final String QUALITY = "brotli.quality";
    /** The default of {@link #QUALITY}, {@value}: WAL-G's, and the fastest with brotli's usual ratio. */
    public static final int QUALITY_DEFAULT = 3;
    /** The lowest accepted quality, {@value}. */
    public static final int QUALITY_MIN = 0;
    /** The highest accepted quality, {@value}; 10 and 11 are very slow. */
    public static final int QUALITY_MAX = 11;

    /** Creates the codec at the default quality; used by {@link java.util.ServiceLoader}. */
    public BrotliCodec() {
        this(QUALITY_DEFAULT);
    }

    private BrotliCodec(int quality) {
        super(NAME, EXTENSION, QUALITY, QUALITY_MIN, QUALITY_MAX, QUALITY_DEFAULT, quality);
    }

    @Override
    CompressionCodec withLevel(int value) {
        return new BrotliCodec(value);
    }

    /**
     * Returns the quality that {@link #compress(OutputStream)} uses.
     *
     * @return the quality
     */
    public int quality() {
        return level;
    }

    /**
     * Starts a brotli stream on {@code out}. The stream decodes what it writes as it goes (see
     * below); closing it writes the last meta-block, checks that the whole stream decodes to what
     * was written, and closes {@code out}.
     *
     * @param out the destination
     * @return the compressing stream, for one thread
     * @throws IOException if the native library cannot be loaded or the encoder cannot be set up;
     *     from {@code close()}, if the written stream does not decode to its input (the object
     *     must then be discarded)
     */
    @Override
    public OutputStream compress(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        ensureNativeLibrary();
        Encoder.Parameters parameters = Encoder.Parameters.create(level);
        return new VerifyingBrotliOutputStream(out, compressed -> new BrotliOutputStream(compressed, parameters,
                VerifyingBrotliOutputStream.ENCODER_INPUT_SIZE));
    }

    /**
     * Reads one brotli stream from {@code in}. Closing the returned stream closes {@code in}.
     *
     * @param in the compressed bytes
     * @return the decompressing stream, for one thread
     * @throws IOException if the native library cannot be loaded or the decoder cannot be set up
     */
    @Override
    public InputStream decompress(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        ensureNativeLibrary();
        return new DecoderInputStream(NAME, new BrotliDecodingInputStream(in));
    }

    private static void ensureNativeLibrary() throws IOException {
        if (!Brotli4jLoader.isAvailable()) {
            throw new IOException("Cannot use compression codec 'brotli': brotli4j's native library is not "
                    + "available on this platform (add brotli4j's native artifact for it, or choose another codec)",
                    Brotli4jLoader.getUnavailabilityCause());
        }
    }

}
