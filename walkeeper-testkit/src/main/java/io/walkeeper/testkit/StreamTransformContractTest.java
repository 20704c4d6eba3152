package io.walkeeper.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * The round-trip behaviour shared by every stream transformation walkeeper applies to content on
 * its way to storage and back: compression ({@link CompressionCodecContractTest}) and encryption
 * ({@link EncryptionProviderContractTest}). A suite extends this class and implements the two
 * hooks {@link #wrapOutput(OutputStream)} (content written to the returned stream reaches the
 * sink transformed) and {@link #wrapInput(InputStream)} (the inverse); JUnit 5 then runs every
 * test below against them: round trips of empty and one-byte content and of byte-at-a-time calls,
 * a large stream ({@link #largeStreamSize()}) passed between two threads through a small pipe
 * and checked with a digest, detection of truncated and of corrupted input, closing of the
 * wrapped streams, and use from several threads at once.
 */
public abstract class StreamTransformContractTest {

    /** The default size of the large stream, {@value} bytes (1 GiB). */
    protected static final long LARGE_STREAM_DEFAULT = 1L << 30;

    /** Creates the test; subclasses need a no-argument constructor for JUnit. */
    protected StreamTransformContractTest() {
    }

    /**
     * Wraps {@code sink} in a stream that transforms what is written to it (compresses, encrypts)
     * and passes the result on; closing the returned stream finishes the transformation and
     * closes {@code sink}.
     *
     * @param sink where the transformed bytes go
     * @return the stream to write content to
     * @throws IOException if the stream cannot be set up
     */
    protected abstract OutputStream wrapOutput(OutputStream sink) throws IOException;

    /**
     * Wraps {@code source}, which holds transformed bytes, in a stream that returns the content
     * (decompresses, decrypts); closing the returned stream closes {@code source}.
     *
     * @param source the transformed bytes
     * @return the stream to read content from
     * @throws IOException if the stream cannot be set up
     */
    protected abstract InputStream wrapInput(InputStream source) throws IOException;

    /**
     * Returns the content the tests round-trip: pseudo-random by default; a suite overrides this
     * with content like what it will transform in production.
     *
     * @param seed the seed
     * @param size the size in bytes
     * @return the content
     */
    protected byte[] content(long seed, int size) {
        return random(seed, size);
    }

    /**
     * Returns the size of the stream that {@link #streamsLargeContent} passes through the
     * transformation. The default, {@link #LARGE_STREAM_DEFAULT}, takes a few seconds with a fast
     * transformation; a slow one overrides this with a smaller size (at least 32 MiB), stating
     * why.
     *
     * @return the size in bytes
     */
    protected long largeStreamSize() {
        return LARGE_STREAM_DEFAULT;
    }

    /**
     * Writes the content of the large stream, generated on the fly, to {@code out} and feeds it to
     * {@code digest}. The default writes pseudo-random bytes.
     *
     * @param out where to write
     * @param size how many bytes to write
     * @param digest receives every byte written
     * @throws IOException if writing fails
     */
    protected void writeLargeContent(OutputStream out, long size, MessageDigest digest) throws IOException {
        ContractPayloads.writeRandom(out, 77, size, digest);
    }

    /**
     * Checks the size of the transformed large stream against the size of its content. The
     * default checks nothing.
     *
     * @param contentSize the bytes of content
     * @param transformedSize the bytes passed between the two sides
     */
    protected void checkTransformedSize(long contentSize, long transformedSize) {
    }

    /**
     * Tells whether the transformation detects truncated input. The default is true.
     *
     * @return whether a truncation must fail
     */
    protected boolean detectsTruncation() {
        return true;
    }

    /**
     * Tells whether the transformation checks its content, so that a flipped byte in the body or
     * at the end fails. The default is true.
     *
     * @return whether a flipped byte must fail
     */
    protected boolean detectsCorruption() {
        return true;
    }

    /**
     * Checks a failure that reported damaged input, beyond its being an {@link IOException}. The
     * default checks nothing more.
     *
     * @param failure the failure
     * @param what what was damaged, for messages
     */
    protected void checkDamageReport(Exception failure, String what) {
    }

    /**
     * Returns {@code size} pseudo-random bytes determined by {@code seed}.
     *
     * @param seed the seed
     * @param size the size
     * @return the bytes
     */
    protected static byte[] random(long seed, int size) {
        return ContractPayloads.random(seed, size);
    }

    /**
     * Writes {@code plain} through {@link #wrapOutput} into memory.
     *
     * @param plain the content
     * @return the transformed bytes
     * @throws IOException if the transformation fails
     */
    protected final byte[] transform(byte[] plain) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (OutputStream out = wrapOutput(buffer)) {
            out.write(plain);
        }
        return buffer.toByteArray();
    }

    /**
     * Reads {@code transformed} back through {@link #wrapInput} to its end, in memory.
     *
     * @param transformed the transformed bytes
     * @return the content
     * @throws IOException if the input is damaged
     */
    protected final byte[] restore(byte[] transformed) throws IOException {
        try (InputStream in = wrapInput(new ByteArrayInputStream(transformed))) {
            return in.readAllBytes();
        }
    }

    /**
     * Asserts that reading {@code damaged} back fails with an {@link IOException}, then passes the
     * failure to {@link #checkDamageReport}.
     *
     * @param damaged the damaged transformed bytes
     * @param what what was damaged, for messages
     */
    protected final void assertRestoreFails(byte[] damaged, String what) {
        IOException failure = assertThrows(IOException.class, () -> restore(damaged),
                what + ": read back without an IOException");
        checkDamageReport(failure, what);
    }

    /**
     * Returns a copy of {@code bytes} with one bit of the byte at {@code at} flipped.
     *
     * @param bytes the bytes
     * @param at the index of the byte to change
     * @return the changed copy
     */
    protected static byte[] flipped(byte[] bytes, int at) {
        byte[] copy = bytes.clone();
        copy[at] ^= 0x10;
        return copy;
    }

    /**
     * Empty content round-trips.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void roundTripsEmpty() throws IOException {
        assertArrayEquals(new byte[0], restore(transform(new byte[0])));
    }

    /**
     * One byte round-trips.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void roundTripsOneByte() throws IOException {
        assertArrayEquals(new byte[] {42}, restore(transform(new byte[] {42})));
    }

    /**
     * Content written and read one byte at a time round-trips, and the end of the stream is
     * sticky.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void roundTripsSingleByteCalls() throws IOException {
        byte[] plain = content(3, 200_000);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (OutputStream out = wrapOutput(buffer)) {
            for (byte b : plain) {
                out.write(b);
            }
        }
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        try (InputStream in = wrapInput(new ByteArrayInputStream(buffer.toByteArray()))) {
            for (int b; (b = in.read()) >= 0; ) {
                result.write(b);
            }
            assertEquals(-1, in.read(), "end of stream is sticky");
        }
        assertArrayEquals(plain, result.toByteArray());
    }

    /**
     * A large stream ({@link #largeStreamSize()}), generated on the fly, passes from the writing
     * side to the reading side through a pipe holding at most 1 MiB, and comes out with the same
     * length and SHA-256 digest: neither side needs the whole content in memory.
     *
     * @param reporter receives the transformed size and the throughput
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
            Future<?> writing = writer.submit(() -> {
                try (OutputStream out = wrapOutput(pipe.sink())) {
                    writeLargeContent(out, size, written);
                } catch (IOException | RuntimeException | Error e) {
                    pipe.abortWriter(e);
                    throw e;
                }
                return null;
            });
            try (InputStream in = wrapInput(pipe.source())) {
                count = ContractPayloads.drain(in, read);
            } catch (IOException e) {
                rethrowWriterFailure(writing);
                throw e;
            }
            writing.get(10, TimeUnit.MINUTES);
        } finally {
            writer.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(size, count, "bytes read back");
        assertArrayEquals(written.digest(), read.digest(), "SHA-256 of the stream read back");
        checkTransformedSize(size, pipe.transferred());
        reporter.publishEntry("large stream", String.format("%s: %d MiB -> %d MiB transformed, %.1f s, %.0f MiB/s",
                getClass().getSimpleName(), size >> 20, pipe.transferred() >> 20, seconds, (size >> 20) / seconds));
    }

    private static void rethrowWriterFailure(Future<?> writing) throws Exception {
        try {
            writing.get(1, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            throw e;
        }
    }

    /**
     * Truncated input fails with an {@link IOException}, wherever it was cut: near the start, in
     * the middle, and in the last bytes of a stream of several MiB (where a reader that does not
     * track the end of its input could report a clean end); for empty and one-byte content too.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void rejectsTruncatedInput() throws IOException {
        assumeTrue(detectsTruncation(), "the transformation has no framing to check");
        for (byte[] plain : List.of(new byte[0], new byte[] {7}, content(5, 1 << 20),
                SyntheticHeapPages.generate(5, 4 << 20))) {
            byte[] transformed = transform(plain);
            assertArrayEquals(plain, restore(transformed), "the whole stream reads back");
            int n = transformed.length;
            for (int cut : new int[] {0, 1, 2, 10, 100, n / 4, n / 2, n - 100, n - 64, n - 23, n - 22, n - 21,
                    n - 5, n - 4, n - 2, n - 1}) {
                if (cut < 0 || cut >= n) {
                    continue;
                }
                assertRestoreFails(Arrays.copyOf(transformed, cut), "input of " + n + " bytes cut to " + cut);
            }
        }
    }

    /**
     * A flipped byte in the body or in the last bytes fails with an {@link IOException}.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void rejectsFlippedByte() throws IOException {
        assumeTrue(detectsCorruption(), "the format has no checksum to check");
        byte[] transformed = transform(content(6, 1 << 20));
        int n = transformed.length;
        for (int at : new int[] {n / 4, n / 2, 3 * n / 4, n - 40, n - 23, n - 22, n - 21, n - 10, n - 2, n - 1}) {
            assertRestoreFails(flipped(transformed, at), "byte " + at + " of " + n + " flipped");
        }
    }

    /**
     * Closing the writing stream closes the sink, not before; closing twice is harmless.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void closingOutputClosesSink() throws IOException {
        int[] closed = {0};
        OutputStream sink = new FilterOutputStream(new ByteArrayOutputStream()) {
            @Override
            public void close() throws IOException {
                closed[0]++;
                super.close();
            }
        };
        OutputStream out = wrapOutput(sink);
        out.write(1);
        assertEquals(0, closed[0], "sink closed before the writing stream");
        out.close();
        out.close();
        assertTrue(closed[0] >= 1, "sink closed");
    }

    /**
     * Closing the reading stream closes the source, also before the end.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void closingInputClosesSource() throws IOException {
        boolean[] closed = {false};
        byte[] plain = content(4, 300_000);
        InputStream source = new FilterInputStream(new ByteArrayInputStream(transform(plain))) {
            @Override
            public void close() throws IOException {
                closed[0] = true;
                super.close();
            }
        };
        InputStream in = wrapInput(source);
        assertEquals(plain[0] & 0xff, in.read());
        in.close();
        assertTrue(closed[0], "source closed");
    }

    /**
     * The transformation serves streams on several threads at once.
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
                    byte[] plain = content(seed, 1 << 20);
                    return Arrays.equals(plain, restore(transform(plain)));
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
