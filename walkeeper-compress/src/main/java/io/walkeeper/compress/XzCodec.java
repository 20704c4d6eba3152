package io.walkeeper.compress;

import io.walkeeper.spi.CompressionCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;

/**
 * The {@code xz} codec: the {@code .xz} format (readable by the {@code xz} command-line tool) with
 * LZMA2 and a CRC64 of each block's content. The best ratio of the codecs here and by far the
 * slowest (pure Java); use it for archives that are written once and rarely read. The default
 * preset is {@value #PRESET_DEFAULT}: a 1 MiB dictionary, about 8 MiB of memory per compressing
 * stream and 1 MiB per decompressing one. Measured on pgbench data (one core of a small machine),
 * preset 1 compressed at about 23 MB/s to 4.5 to 5.6 % of the original size and decompressed at
 * about 100 MB/s; preset 6 took 10 to 15 times as long for 3.1 to 5.1 % and needs 93 MiB to compress
 * (preset 9: 673 MiB to compress, 65 MiB to decompress). {@link #configure(Map)} takes
 * {@value #PRESET} from {@value #PRESET_MIN} to {@value #PRESET_MAX}.
 *
 * <p>Decoding verifies the CRC64s, the index and the stream footer, so a truncated or corrupted
 * object fails with an {@link IOException}; concatenated streams are read as one. Decoding refuses
 * streams that need more than {@value #DECODER_MEMORY_LIMIT_KIB} KiB, far above what any preset
 * needs. Immutable and thread-safe.
 */
public final class XzCodec extends LevelledCodec {

    /** The codec's name, {@value}. */
    public static final String NAME = "xz";
    /** The extension of objects this codec wrote, {@value}. */
    public static final String EXTENSION = "xz";
    /** Setting: the LZMA2 preset, an integer from {@value #PRESET_MIN} to {@value #PRESET_MAX}. */
    public static final String PRESET = "xz.preset";
    /** The default of {@link #PRESET}, {@value}: a 1 MiB dictionary; about as fast as preset 0, smaller output. */
    public static final int PRESET_DEFAULT = 1;
    /** The lowest accepted preset, {@value}. */
    public static final int PRESET_MIN = 0;
    /** The highest accepted preset, {@value}. */
    public static final int PRESET_MAX = 9;

    /** A corrupt header cannot make the decoder allocate more than this, in KiB (preset 9 needs 65 MiB). */
    private static final int DECODER_MEMORY_LIMIT_KIB = 256 * 1024;

    /** Creates the codec with the default preset; used by {@link java.util.ServiceLoader}. */
    public XzCodec() {
        this(PRESET_DEFAULT);
    }

    private XzCodec(int preset) {
        super(NAME, EXTENSION, PRESET, PRESET_MIN, PRESET_MAX, PRESET_DEFAULT, preset);
    }

    @Override
    CompressionCodec withLevel(int value) {
        return new XzCodec(value);
    }

    /**
     * Returns the preset that {@link #compress(OutputStream)} uses.
     *
     * @return the preset
     */
    public int preset() {
        return level;
    }

    /**
     * Starts an xz stream on {@code out}. Closing the returned stream writes the index and the
     * stream footer, then closes {@code out}.
     *
     * @param out the destination
     * @return the compressing stream, for one thread
     * @throws IOException if the stream header cannot be written
     */
    @Override
    public OutputStream compress(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        LZMA2Options options;
        try {
            options = new LZMA2Options(level);
        } catch (UnsupportedOptionsException e) {
            throw new IllegalStateException("xz preset " + level + " was checked by configure()", e);
        }
        // XZOutputStream's default integrity check is CRC64
        return XZCompressorOutputStream.builder().setOutputStream(out).setLzma2Options(options).get();
    }

    /**
     * Reads xz streams from {@code in}; concatenated streams are read as one. Closing the returned
     * stream closes {@code in}.
     *
     * @param in the compressed bytes
     * @return the decompressing stream, for one thread
     * @throws IOException if the stream header is missing or malformed
     */
    @Override
    public InputStream decompress(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        InputStream xz;
        try {
            xz = XZCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true)
                    .setMemoryLimitKiB(DECODER_MEMORY_LIMIT_KIB).get();
        } catch (IOException e) {
            throw new IOException("Cannot decode xz stream: cannot read its header (" + e + ")", e);
        } catch (RuntimeException e) {
            throw new IOException("Cannot decode xz stream: its header is corrupt (" + e + ")", e);
        }
        return new DecoderInputStream(NAME, xz);
    }

}
