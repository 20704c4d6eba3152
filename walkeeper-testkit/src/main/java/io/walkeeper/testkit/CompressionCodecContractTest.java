package io.walkeeper.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.CompressionCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CompressionCodec} must have. A codec's test extends this class and
 * implements {@link #codec()}; JUnit 5 then runs every test below and every round-trip test of
 * {@link StreamTransformContractTest} against it, with mixed content (part random, part
 * compressible text): round trips of empty, one-byte, random, compressible and mixed content and
 * of a 16 MiB WAL-like segment; a large stream of heap pages (1 GiB unless
 * {@link #largeStreamSize()} says otherwise) passed from the compressor to the decompressor
 * through a small pipe and checked with a digest; detection of truncated input (for codecs with
 * framing, that is with a non-empty {@link CompressionCodec#extension()}) and of corrupted input
 * (for codecs with a checksum, see {@link #checksummed()}); stream closing, settings validation,
 * thread-safety, and discovery with {@link ServiceLoader}.
 */
public abstract class CompressionCodecContractTest extends StreamTransformContractTest {

    /** Creates the test; subclasses need a no-argument constructor for JUnit. */
    protected CompressionCodecContractTest() {
    }

    /**
     * Returns the codec under test, as {@link ServiceLoader} would provide it.
     *
     * @return the codec
     */
    protected abstract CompressionCodec codec();

    /**
     * Compresses what is written into {@code sink} with {@link #codec()}.
     *
     * @param sink where the compressed bytes go
     * @return the compressing stream
     * @throws IOException if the stream cannot be set up
     */
    @Override
    protected OutputStream wrapOutput(OutputStream sink) throws IOException {
        return codec().compress(sink);
    }

    /**
     * Decompresses {@code source} with {@link #codec()}.
     *
     * @param source the compressed bytes
     * @return the decompressing stream
     * @throws IOException if the stream cannot be set up
     */
    @Override
    protected InputStream wrapInput(InputStream source) throws IOException {
        return codec().decompress(source);
    }

    /**
     * Returns {@link #mixedContent} (part random, part compressible text).
     *
     * @param seed the random seed
     * @param size the size in bytes
     * @return the content
     */
    @Override
    protected byte[] content(long seed, int size) {
        return mixedContent(seed, size);
    }

    /**
     * Writes heap pages ({@link SyntheticHeapPages}): compressible, but not trivially.
     *
     * @param out where to write
     * @param size how many bytes to write
     * @param digest receives every byte written
     * @throws IOException if writing fails
     */
    @Override
    protected void writeLargeContent(OutputStream out, long size, MessageDigest digest) throws IOException {
        SyntheticHeapPages.write(out, 19, size, digest);
    }

    /**
     * Truncation is detected by every framed codec, that is every codec with a non-empty
     * {@link CompressionCodec#extension()}; an identity codec has no framing to check.
     *
     * @return whether the codec is framed
     */
    @Override
    protected boolean detectsTruncation() {
        return framed();
    }

    /**
     * A flipped byte is detected by codecs whose format has a checksum, see {@link #checksummed()}.
     *
     * @return {@link #checksummed()}
     */
    @Override
    protected boolean detectsCorruption() {
        return checksummed();
    }

    /**
     * Compresses {@code plain} with {@code codec} into memory.
     *
     * @param codec the codec
     * @param plain the content
     * @return the compressed bytes
     * @throws IOException if compressing fails
     */
    protected static byte[] compress(CompressionCodec codec, byte[] plain) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (OutputStream out = codec.compress(buffer)) {
            out.write(plain);
        }
        return buffer.toByteArray();
    }

    /**
     * Decompresses {@code compressed} with {@code codec} in memory.
     *
     * @param codec the codec
     * @param compressed the compressed bytes
     * @return the content
     * @throws IOException if the input is truncated or corrupt
     */
    protected static byte[] decompress(CompressionCodec codec, byte[] compressed) throws IOException {
        try (InputStream in = codec.decompress(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        }
    }

    /**
     * Returns content that is part random, part highly compressible text, as backups are.
     *
     * @param seed the random seed
     * @param size the size in bytes
     * @return the content
     */
    protected static byte[] mixedContent(long seed, int size) {
        byte[] content = ContractPayloads.random(seed, size);
        byte[] text = "INSERT INTO pgbench_history VALUES (42, 7, 1234, -500, now());\n"
                .getBytes(StandardCharsets.US_ASCII);
        int section = 64 * 1024;
        for (int start = 0; start < size; start += 2 * section) {
            for (int i = start; i < Math.min(size, start + section); i++) {
                content[i] = text[i % text.length];
            }
        }
        return content;
    }

    /**
     * Returns {@code size} bytes laid out like PostgreSQL heap pages ({@code pgbench_accounts}),
     * one page in four random: compressible, but not trivially.
     *
     * @param seed the random seed
     * @param size the size in bytes
     * @return the content
     */
    protected static byte[] relationPages(long seed, int size) {
        return SyntheticHeapPages.generate(seed, size);
    }

    /**
     * Returns a 16 MiB segment laid out like PostgreSQL WAL written by pgbench, with full-page
     * images, zeros after the last record.
     *
     * @param seed the random seed
     * @return the segment
     */
    protected static byte[] walLikeSegment(long seed) {
        return SyntheticWalSegment.generate(seed);
    }

    /**
     * Tells whether the codec's format checks its content, so that a flipped byte anywhere fails.
     * The default is true for every framed codec; a format without a checksum (brotli) overrides
     * this, and is then only required to fail corrupt input with an {@link IOException} or to
     * decode it, never with another exception or by hanging.
     *
     * @return whether the format has a content checksum
     */
    protected boolean checksummed() {
        return framed();
    }

    private boolean framed() {
        return !codec().extension().isEmpty();
    }

    /** The name and extension are short lower-case words; the extension has no dot. */
    @Test
    public void nameAndExtensionAreWellFormed() {
        assertTrue(codec().name().matches("[a-z0-9][a-z0-9-]*"), codec().name());
        assertTrue(codec().extension().matches("[a-z0-9]*"), codec().extension());
    }

    /** {@link ServiceLoader} finds the codec by name. */
    @Test
    public void isFoundByServiceLoader() {
        List<CompressionCodec> found = ServiceLoader.load(CompressionCodec.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(c -> c.name().equals(codec().name()))
                .collect(Collectors.toList());
        assertEquals(1, found.size(), "codecs named '" + codec().name() + "': " + found);
        assertEquals(codec().getClass(), found.get(0).getClass());
    }

    /**
     * A 16 MiB WAL-like segment round-trips, and a framed codec compresses it.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void roundTripsWalLikeSegment() throws IOException {
        byte[] plain = walLikeSegment(16);
        byte[] compressed = compress(codec(), plain);
        assertArrayEquals(plain, decompress(codec(), compressed));
        if (framed()) {
            assertTrue(compressed.length < plain.length / 2, "a WAL-like segment compresses to less than half: "
                    + compressed.length + " of " + plain.length + " bytes");
        }
    }

    /**
     * Random content round-trips, and a framed codec does not expand it by more than 1 %.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void roundTripsRandomContent() throws IOException {
        byte[] plain = ContractPayloads.random(17, 2 << 20);
        byte[] compressed = compress(codec(), plain);
        assertArrayEquals(plain, decompress(codec(), compressed));
        assertTrue(compressed.length <= plain.length + plain.length / 100 + 1024,
                "random content expands from " + plain.length + " to " + compressed.length + " bytes");
    }

    /**
     * Content laid out like heap pages round-trips, and a framed codec compresses it to less
     * than half.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void roundTripsCompressibleContent() throws IOException {
        byte[] plain = relationPages(18, 8 << 20);
        byte[] compressed = compress(codec(), plain);
        assertArrayEquals(plain, decompress(codec(), compressed));
        if (framed()) {
            assertTrue(compressed.length < plain.length / 2, "heap pages compress to less than half: "
                    + compressed.length + " of " + plain.length + " bytes");
        }
    }

    /**
     * Corrupt input fails with an {@link IOException} or decodes to something, but never fails
     * with an unchecked exception or hangs; this holds for formats without a checksum too.
     */
    @Test
    public void corruptInputFailsOnlyWithIOException() {
        assumeTrue(framed(), "an identity codec does not decode");
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            byte[] compressed = compress(codec(), mixedContent(8, 256 * 1024));
            int n = compressed.length;
            for (int i = 0; i < 64; i++) {
                byte[] corrupt = compressed.clone();
                int at = (int) ((long) n * i / 64);
                corrupt[at] ^= (byte) (1 << (i % 8));
                try {
                    decompress(codec(), corrupt);
                } catch (IOException expected) {
                    // detected
                }
            }
        });
    }

    /**
     * Empty settings give a working codec; an unknown setting, even in the codec's namespace, is
     * refused.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void validatesSettings() throws IOException {
        CompressionCodec configured = codec().configure(Map.of());
        assertNotNull(configured);
        assertEquals(codec().name(), configured.name());
        assertArrayEquals(new byte[] {9}, decompress(configured, compress(configured, new byte[] {9})));
        assertThrows(ConfigurationException.class, () -> codec().configure(Map.of("no-such.setting", "1")));
        assertThrows(ConfigurationException.class,
                () -> codec().configure(Map.of(codec().name() + ".no-such-setting", "1")));
    }
}
