package io.walkeeper.compress;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.walkeeper.spi.CompressionCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code zstd} codec: the Zstandard frame format (readable by the {@code zstd} command-line
 * tool) with a content checksum. The default level is {@value #LEVEL_DEFAULT}, the fast level
 * WAL-G and {@code pg_basebackup} use; {@link #configure(Map)} takes {@value #LEVEL} from
 * {@value #LEVEL_MIN} to {@value #LEVEL_MAX}.
 *
 * <p>Decoding verifies the content checksum and fails with an {@link IOException} when the input
 * is empty, ends inside a frame, or is corrupt. Immutable and thread-safe.
 */
public final class ZstdCodec extends LevelledCodec {

    /** The codec's name, {@value}. */
    public static final String NAME = "zstd";
    /** The extension of objects this codec wrote, {@value}. */
    public static final String EXTENSION = "zst";
    /** Setting: the compression level, an integer from {@value #LEVEL_MIN} to {@value #LEVEL_MAX}. */
    public static final String LEVEL = "zstd.level";
    /** The default of {@link #LEVEL}, {@value}: fast, about the ratio of gzip -6. */
    public static final int LEVEL_DEFAULT = 1;
    /** The lowest accepted level, {@value}. */
    public static final int LEVEL_MIN = 1;
    /** The highest accepted level, {@value}; levels above 19 need much more memory. */
    public static final int LEVEL_MAX = 22;

    /** Creates the codec at the default level; used by {@link java.util.ServiceLoader}. */
    public ZstdCodec() {
        this(LEVEL_DEFAULT);
    }

    private ZstdCodec(int level) {
        super(NAME, EXTENSION, LEVEL, LEVEL_MIN, LEVEL_MAX, LEVEL_DEFAULT, level);
    }

    @Override
    CompressionCodec withLevel(int value) {
        return new ZstdCodec(value);
    }

    /**
     * Returns the compression level that {@link #compress(OutputStream)} uses.
     *
     * @return the level
     */
    public int level() {
        return level;
    }

    /**
     * Starts a zstd frame on {@code out}. Closing the returned stream ends the frame with its
     * checksum and closes {@code out}.
     *
     * @param out the destination
     * @return the compressing stream, for one thread
     * @throws IOException if the compressor cannot be set up
     */
    @Override
    public OutputStream compress(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        ZstdOutputStream zstd = new ZstdOutputStream(out, RecyclingBufferPool.INSTANCE, level);
        zstd.setChecksum(true);
        return zstd;
    }

    /**
     * Reads zstd frames from {@code in}; concatenated frames are read as one stream. Closing the
     * returned stream closes {@code in}.
     *
     * @param in the compressed bytes
     * @return the decompressing stream, for one thread
     * @throws IOException if {@code in} is empty (a zstd object always holds a frame) or unreadable
     */
    @Override
    public InputStream decompress(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        // An empty input would decode to an empty stream without complaint; what this codec wrote
        // always holds at least one frame, so an empty object is a truncated one.
        PushbackInputStream source = new PushbackInputStream(in, 1);
        int first = source.read();
        if (first < 0) {
            throw new IOException("Cannot decode zstd stream: it is empty, but a zstd object holds at least one "
                    + "frame (the object was truncated)");
        }
        source.unread(first);
        // Non-continuous mode (the default): input that ends inside a frame is an error.
        ZstdInputStream zstd = new ZstdInputStream(source, RecyclingBufferPool.INSTANCE);
        zstd.setContinuous(false);
        return new DecoderInputStream(NAME, zstd);
    }

}
