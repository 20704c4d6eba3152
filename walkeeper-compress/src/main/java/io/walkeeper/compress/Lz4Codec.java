package io.walkeeper.compress;

import io.walkeeper.spi.CompressionCodec;
import io.walkeeper.spi.SettingsReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE;
import net.jpountz.lz4.LZ4FrameOutputStream.FLG;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The {@code lz4} codec: the standard LZ4 frame format (readable by the {@code lz4} command-line
 * tool) with independent 64 KiB blocks, a checksum on every block and on the whole content, written
 * by LZ4's fast compressor. Fast enough to keep up with WAL generation on one core; use
 * {@link ZstdCodec} for a better ratio.
 *
 * <p>Decoding verifies the block and content checksums and the end mark, so a truncated or
 * corrupted object fails with an {@link IOException}. Immutable and thread-safe; takes no
 * settings.
 */
public final class Lz4Codec implements CompressionCodec {

    /** The codec's name, {@value}. */
    public static final String NAME = "lz4";
    /** The extension of objects this codec wrote, {@value}. */
    public static final String EXTENSION = "lz4";

    /** Maximum size of one LZ4 block: small blocks keep memory per stream low and latency short. */
    private static final BLOCKSIZE BLOCK_SIZE = BLOCKSIZE.SIZE_64KB;
    private static final int INPUT_BUFFER_SIZE = 64 * 1024;

    private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();
    private static final XXHash32 CHECKSUM = XXHashFactory.fastestInstance().hash32();

    /** Creates the codec; used by {@link java.util.ServiceLoader}. */
    public Lz4Codec() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String extension() {
        return EXTENSION;
    }

    /**
     * Returns this codec; the LZ4 codec takes no settings.
     *
     * @param settings must be empty
     * @return this codec
     * @throws io.walkeeper.api.ConfigurationException if a setting is given
     */
    @Override
    public CompressionCodec configure(Map<String, String> settings) {
        SettingsReader.of("Cannot configure compression codec '" + NAME + "'", List.of(), settings);
        return this;
    }

    /**
     * Starts an LZ4 frame on {@code out}. Closing the returned stream writes the end mark and the
     * content checksum, then closes {@code out}.
     *
     * @param out the destination
     * @return the compressing stream, for one thread
     * @throws IOException if the frame header cannot be written
     */
    @Override
    public OutputStream compress(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        return new LZ4FrameOutputStream(out, BLOCK_SIZE, -1L, COMPRESSOR, CHECKSUM,
                FLG.Bits.BLOCK_INDEPENDENCE, FLG.Bits.BLOCK_CHECKSUM, FLG.Bits.CONTENT_CHECKSUM);
    }

    /**
     * Reads LZ4 frames from {@code in}; concatenated frames are read as one stream. Closing the
     * returned stream closes {@code in}.
     *
     * @param in the compressed bytes
     * @return the decompressing stream, for one thread
     * @throws IOException if the frame header is missing or malformed
     */
    @Override
    public InputStream decompress(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        InputStream buffered = new BufferedInputStream(in, INPUT_BUFFER_SIZE);
        try {
            return new DecoderInputStream(NAME, new LZ4FrameInputStream(buffered, DECOMPRESSOR, CHECKSUM));
        } catch (RuntimeException e) {
            throw new IOException("Cannot decode lz4 stream: its frame header is corrupt (" + e + ")", e);
        }
    }

    @Override
    public String toString() {
        return NAME;
    }
}
