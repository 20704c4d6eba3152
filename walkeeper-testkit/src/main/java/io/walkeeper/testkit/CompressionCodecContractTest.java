package io.walkeeper.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.CompressionCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * The behaviour every {@link CompressionCodec} must have. A codec's test extends this class and
 * implements {@link #codec()}; JUnit 5 then runs every test below against it: round trips of
 * empty, one-byte, random, compressible and mixed content and of a 16 MiB WAL-like segment; a
 * large stream (1 GiB unless {@link #largeStreamSize()} says otherwise) passed from the compressor
 * to the decompressor through a small pipe and checked with a digest; detection of truncated
 * input (for codecs with framing, that is with a non-empty {@link CompressionCodec#extension()})
 * and of corrupted input (for codecs with a checksum, see {@link #checksummed()}); stream closing,
 * settings validation, thread-safety, and discovery with {@link ServiceLoader}.
 */
public abstract class CompressionCodecContractTest {

    /** The default size of the large stream, {@value} bytes (1 GiB). */
    protected static final long LARGE_STREAM_DEFAULT = 1L << 30;

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
     * Returns the size of the stream that {@link #streamsLargeContent} passes through the codec.
     * The default, {@link #LARGE_STREAM_DEFAULT}, takes a few seconds with a fast codec; a slow
     * codec overrides this with a smaller size (at least 64 MiB), stating why.
     *
     * @return the size in bytes
     */
    protected long largeStreamSize() {
        return LARGE_STREAM_DEFAULT;
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
     * Empty content round-trips.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void roundTripsEmpty() throws IOException {
        assertArrayEquals(new byte[0], decompress(codec(), compress(codec(), new byte[0])));
    }

    /**
     * One byte round-trips.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void roundTripsOneByte() throws IOException {
        assertArrayEquals(new byte[] {42}, decompress(codec(), compress(codec(), new byte[] {42})));
    }

    /**
     * Content written and read one byte at a time round-trips.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void roundTripsSingleByteCalls() throws IOException {
        byte[] plain = mixedContent(3, 200_000);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (OutputStream out = codec().compress(buffer)) {
            for (byte b : plain) {
                out.write(b);
            }
        }
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        try (InputStream in = codec().decompress(new ByteArrayInputStream(buffer.toByteArray()))) {
            for (int b; (b = in.read()) >= 0; ) {
                result.write(b);
            }
        }
        assertArrayEquals(plain, result.toByteArray());
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
     * A large stream ({@link #largeStreamSize()}), generated on the fly, passes from the
     * compressor to the decompressor through a pipe holding at most 1 MiB, and comes out with the
     * same length and SHA-256 digest: neither side needs the whole content in memory.
     *
     * @param reporter receives the compressed size and the throughput
     * @throws Exception on an unexpected failure
     */
    @Test
    public void streamsLargeContent(TestReporter reporter) throws Exception {
        long size = largeStreamSize();
        StreamPipe pipe = new StreamPipe(16);
        MessageDigest written = ContractPayloads.sha256();
        MessageDigest read = ContractPayloads.sha256();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        long start = System.nanoTime();
        long count;
        try {
            Future<?> compressing = writer.submit(() -> {
                try (OutputStream out = codec().compress(pipe.sink())) {
                    SyntheticHeapPages.write(out, 19, size, written);
                } catch (IOException | RuntimeException | Error e) {
                    pipe.abortWriter(e);
                    throw e;
                }
                return null;
            });
            try (InputStream in = codec().decompress(pipe.source())) {
                count = ContractPayloads.drain(in, read);
            } catch (IOException e) {
                rethrowWriterFailure(compressing);
                throw e;
            }
            compressing.get(10, TimeUnit.MINUTES);
        } finally {
            writer.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(size, count, "bytes decompressed");
        assertArrayEquals(written.digest(), read.digest(), "SHA-256 of the decompressed stream");
        reporter.publishEntry("large stream", String.format("%s: %d MiB -> %d MiB compressed, %.1f s, %.0f MiB/s",
                codec(), size >> 20, pipe.transferred() >> 20, seconds, (size >> 20) / seconds));
    }

    private static void rethrowWriterFailure(Future<?> compressing) throws Exception {
        try {
            compressing.get(1, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            throw e;
        }
    }

    /**
     * Truncated input fails with an {@link IOException}, wherever it was cut, also in the last
     * bytes of a stream of several MiB (where a decoder that does not track the end of its input
     * could report a clean end).
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void rejectsTruncatedInput() throws IOException {
        assumeTrue(framed(), "an identity codec has no framing to check");
        for (byte[] plain : List.of(new byte[0], new byte[] {7}, mixedContent(5, 1 << 20), relationPages(5, 4 << 20))) {
            byte[] compressed = compress(codec(), plain);
            assertArrayEquals(plain, decompress(codec(), compressed), "the whole stream decodes");
            int n = compressed.length;
            for (int cut : new int[] {0, 1, n / 4, n / 2, n - 64, n - 5, n - 4, n - 2, n - 1}) {
                if (cut < 0 || cut >= n) {
                    continue;
                }
                byte[] truncated = Arrays.copyOf(compressed, cut);
                assertThrows(IOException.class, () -> decompress(codec(), truncated),
                        "input of " + n + " bytes cut to " + cut);
            }
        }
    }

    /**
     * A flipped byte in the data or the trailer fails with an {@link IOException}.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void rejectsFlippedByte() throws IOException {
        assumeTrue(checksummed(), "the format has no checksum to check");
        byte[] compressed = compress(codec(), mixedContent(6, 1 << 20));
        int n = compressed.length;
        for (int at : new int[] {n / 4, n / 2, 3 * n / 4, n - 1}) {
            byte[] corrupt = compressed.clone();
            corrupt[at] ^= 0x10;
            assertThrows(IOException.class, () -> decompress(codec(), corrupt), "byte " + at + " of " + n + " flipped");
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
     * Closing the compressing stream closes the destination.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void closingCompressorClosesDestination() throws IOException {
        boolean[] closed = {false};
        OutputStream destination = new FilterOutputStream(new ByteArrayOutputStream()) {
            @Override
            public void close() throws IOException {
                closed[0] = true;
                super.close();
            }
        };
        OutputStream out = codec().compress(destination);
        out.write(1);
        assertFalse(closed[0]);
        out.close();
        assertTrue(closed[0], "destination closed");
    }

    /**
     * Closing the decompressing stream closes the source.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void closingDecompressorClosesSource() throws IOException {
        boolean[] closed = {false};
        InputStream source = new FilterInputStream(new ByteArrayInputStream(compress(codec(), new byte[] {1, 2}))) {
            @Override
            public void close() throws IOException {
                closed[0] = true;
                super.close();
            }
        };
        InputStream in = codec().decompress(source);
        assertEquals(1, in.read());
        in.close();
        assertTrue(closed[0], "source closed");
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

    /**
     * The codec serves streams on several threads at once.
     *
     * @throws Exception on an unexpected failure
     */
    @Test
    public void isThreadSafe() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = 100 + t;
                results.add(pool.submit(() -> {
                    byte[] plain = mixedContent(seed, 1 << 20);
                    return Arrays.equals(plain, decompress(codec(), compress(codec(), plain)));
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get(2, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
