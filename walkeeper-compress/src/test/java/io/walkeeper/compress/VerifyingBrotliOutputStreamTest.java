package io.walkeeper.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import io.walkeeper.spi.CompressionCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VerifyingBrotliOutputStreamTest {

    @BeforeAll
    static void loadNativeLibrary() {
        Brotli4jLoader.ensureAvailability();
    }

    /**
     * 4 MiB of WAL from a pgbench cluster (kept xz-compressed). With brotli4j 1.24.0, a
     * {@code BrotliOutputStream} at quality 3 with a 64 KiB buffer wrote a stream of it that no
     * decoder reads.
     */
    private static byte[] pgbenchWal() throws IOException {
        try (InputStream in = new XzCodec().decompress(
                VerifyingBrotliOutputStreamTest.class.getResourceAsStream("pgbench-wal-4mib.xz"))) {
            return in.readAllBytes();
        }
    }

    private static byte[] decompress(byte[] compressed) throws IOException {
        try (InputStream in = new BrotliCodec().decompress(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        }
    }

    @Test
    void theCodecRoundTripsDataThatBrotli4jsOwnStreamCorrupted() throws IOException {
        byte[] wal = pgbenchWal();
        assertEquals(4_182_016, wal.length);
        for (String quality : new String[] {"2", "3"}) {
            CompressionCodec codec = new BrotliCodec().configure(Map.of(BrotliCodec.QUALITY, quality));
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            try (OutputStream out = codec.compress(buffer)) {
                out.write(wal);
            }
            assertArrayEquals(wal, decompress(buffer.toByteArray()), "quality " + quality);
        }
    }

    /** Whatever brotli4j's stock stream writes for that data, the check lets only a correct stream pass. */
    @Test
    void theCheckPassesOnlyAStreamThatDecodesToTheInput() throws IOException {
        byte[] wal = pgbenchWal();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        OutputStream out = new VerifyingBrotliOutputStream(buffer,
                compressed -> new BrotliOutputStream(compressed, Encoder.Parameters.create(3), 64 * 1024));
        out.write(wal);
        boolean passed;
        try {
            out.close();
            passed = true;
        } catch (IOException e) {
            assertTrue(e.getMessage().contains("does not decode to its input"), e.getMessage());
            passed = false;
        }
        if (passed) {
            assertArrayEquals(wal, decompress(buffer.toByteArray()));
        }
    }

    @Test
    void aFlippedByteInTheEncodersOutputFailsTheStream() throws IOException {
        byte[] plain = new byte[1 << 20];
        new SplittableRandom(3).nextBytes(plain);
        for (int i = 0; i < plain.length; i += 2) {
            plain[i] = 'x';
        }
        for (long at : new long[] {0, 100, 50_000, 400_000}) {
            boolean[] destinationClosed = {false};
            OutputStream destination = new FilterOutputStream(new ByteArrayOutputStream()) {
                @Override
                public void close() throws IOException {
                    destinationClosed[0] = true;
                    super.close();
                }
            };
            OutputStream out = new VerifyingBrotliOutputStream(destination,
                    compressed -> new BrotliOutputStream(flippingByte(compressed, at), Encoder.Parameters.create(3),
                            VerifyingBrotliOutputStream.ENCODER_INPUT_SIZE));
            // found while writing or at the latest on close; a close after a failed write fails too
            IOException e = assertThrows(IOException.class, () -> {
                out.write(plain);
                out.close();
            }, "byte " + at + " flipped");
            assertTrue(e.getMessage().contains("does not decode to its input"), e.getMessage());
            if (!destinationClosed[0]) {
                assertThrows(IOException.class, out::close);
            }
            assertTrue(destinationClosed[0], "the destination is closed after a failed check");
            out.close();
        }
    }

    @Test
    void aTruncatingEncoderFailsClose() throws IOException {
        byte[] plain = new byte[300_000];
        new SplittableRandom(4).nextBytes(plain);
        OutputStream out = new VerifyingBrotliOutputStream(new ByteArrayOutputStream(), compressed -> {
            BrotliOutputStream encoder = new BrotliOutputStream(new OutputStream() {
                @Override
                public void write(int b) {
                    // the last bytes never arrive
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    compressed.write(b, off, Math.max(0, len - 1));
                }

                @Override
                public void close() throws IOException {
                    compressed.close();
                }
            }, Encoder.Parameters.create(3), VerifyingBrotliOutputStream.ENCODER_INPUT_SIZE);
            return encoder;
        });
        out.write(plain);
        assertThrows(IOException.class, out::close);
    }

    /** Passes bytes through, except that the byte at position {@code at} is flipped. */
    private static OutputStream flippingByte(OutputStream out, long at) {
        return new FilterOutputStream(out) {
            private long position;

            @Override
            public void write(int b) throws IOException {
                out.write(position++ == at ? b ^ 0x20 : b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int i = 0; i < len; i++) {
                    write(b[off + i]);
                }
            }
        };
    }
}
