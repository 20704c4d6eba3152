package io.walkeeper.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Compress and decompress throughput, and ratio, of each codec on samples of PostgreSQL data
 * ({@code relation}: heap and index files; {@code wal}: WAL segments), one 16 MiB unit per
 * operation, to a sink that counts the bytes and copies them once. Besides operations per second, JMH reports the
 * secondary results {@code bytes} (uncompressed bytes per second) and, for compression,
 * {@code plainBytes} and {@code compressedBytes}, whose quotient is the ratio. Short runs by
 * default (one fork, 2 warm-up and 3 measured iterations of 1 s): enough to rank the codecs, not
 * to measure a 2 % change.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class CodecBenchmark {
    private static final int CHUNK = 64 * 1024;

    /** The codec, as {@link CodecPipeline} names it; {@code openpgp+zstd} needs {@link #keys}. */
    @Param({"lz4", "zstd-1", "zstd-3", "brotli", "xz", "none", "openpgp+zstd"})
    public String codec;

    /** The sample: {@code relation} or {@code wal}, a subdirectory of {@link #samples}. */
    @Param({"relation", "wal"})
    public String data;

    /** The sample directory, made by {@code scripts/bench-codecs.sh}. */
    @Param("")
    public String samples;

    /** For OpenPGP: a directory with {@code public.asc}, {@code private.asc} and {@code passphrase}. */
    @Param("")
    public String keys;

    private CodecPipeline pipeline;
    private byte[][] units;
    private byte[][] compressedUnits;
    private int next;
    private final byte[] buffer = new byte[CHUNK];

    /** Creates the benchmark; JMH calls this. */
    public CodecBenchmark() {
    }

    /**
     * Loads the sample and, for the decompression benchmark, compresses it once.
     *
     * @param params which benchmark runs
     * @throws IOException if the sample cannot be read or compressed
     */
    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws IOException {
        units = SampleData.load(samples, data);
        pipeline = CodecPipeline.named(codec, keys);
        if (params.getBenchmark().endsWith(".decompress")) {
            compressedUnits = new byte[units.length][];
            for (int i = 0; i < units.length; i++) {
                ByteArrayOutputStream compressed = new ByteArrayOutputStream();
                try (OutputStream out = pipeline.compress(compressed)) {
                    write(out, units[i]);
                }
                compressedUnits[i] = compressed.toByteArray();
            }
        }
    }

    /**
     * Compresses the next unit.
     *
     * @param rate counts uncompressed bytes per second
     * @param sizes sums uncompressed and compressed bytes, for the ratio
     * @return the compressed size
     * @throws IOException if compressing fails
     */
    @Benchmark
    public long compress(ByteRate rate, Sizes sizes) throws IOException {
        byte[] unit = units[next];
        next = (next + 1) % units.length;
        CountingSink sink = new CountingSink();
        try (OutputStream out = pipeline.compress(sink)) {
            write(out, unit);
        }
        rate.bytes += unit.length;
        sizes.plainBytes += unit.length;
        sizes.compressedBytes += sink.count;
        return sink.count;
    }

    /**
     * Decompresses the next unit, checking its length.
     *
     * @param rate counts uncompressed bytes per second
     * @return the decompressed size
     * @throws IOException if decompressing fails
     */
    @Benchmark
    public long decompress(ByteRate rate) throws IOException {
        int i = next;
        next = (next + 1) % units.length;
        long total = 0;
        try (InputStream in = pipeline.decompress(new ByteArrayInputStream(compressedUnits[i]))) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
        }
        if (total != units[i].length) {
            throw new IOException("decompressed " + total + " bytes instead of " + units[i].length);
        }
        rate.bytes += total;
        return total;
    }

    private static void write(OutputStream out, byte[] unit) throws IOException {
        for (int off = 0; off < unit.length; off += CHUNK) {
            out.write(unit, off, Math.min(CHUNK, unit.length - off));
        }
    }

    /** Uncompressed bytes, reported by JMH per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class ByteRate {
        /** Uncompressed bytes processed in this iteration. */
        public long bytes;

        /** Creates the counter; JMH calls this. */
        public ByteRate() {
        }

        /** Resets the counter at the start of an iteration. */
        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    /** Uncompressed and compressed bytes, reported by JMH as totals. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Sizes {
        /** Uncompressed bytes compressed in this iteration. */
        public long plainBytes;
        /** What they compressed to. */
        public long compressedBytes;

        /** Creates the counters; JMH calls this. */
        public Sizes() {
        }

        /** Resets the counters at the start of an iteration. */
        @Setup(Level.Iteration)
        public void reset() {
            plainBytes = 0;
            compressedBytes = 0;
        }
    }

    /**
     * Counts what is written to it and copies it into a small scratch buffer, as handing bytes to
     * a file or socket would: so that {@code none} costs a copy, not nothing.
     */
    private static final class CountingSink extends OutputStream {
        private final byte[] scratch = new byte[CHUNK];
        long count;

        @Override
        public void write(int b) {
            scratch[(int) (count++ % CHUNK)] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
            for (int n; len > 0; off += n, len -= n) {
                n = Math.min(len, CHUNK);
                System.arraycopy(b, off, scratch, 0, n);
            }
        }
    }
}
