package io.walkeeper.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aayushatharva.brotli4j.encoder.Encoder;
import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.CompressionCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BrotliCodecTest {

    /** Text interleaved with random runs: the decoder ends with undecoded input after an output chunk. */
    private static byte[] content(int size) {
        byte[] plain = new byte[size];
        new SplittableRandom(size).nextBytes(plain);
        byte[] text = "UPDATE pgbench_accounts SET abalance = abalance + 42 WHERE aid = 1234;\n"
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            if ((i >> 15) % 3 != 0) {
                plain[i] = text[i % text.length];
            }
        }
        return plain;
    }

    private static byte[] compress(CompressionCodec codec, byte[] plain) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (OutputStream out = codec.compress(buffer)) {
            out.write(plain);
        }
        return buffer.toByteArray();
    }

    /** Reads {@code compressed} through a source that returns at most {@code chunk} bytes per read. */
    private static byte[] decompress(CompressionCodec codec, byte[] compressed, int chunk) throws IOException {
        InputStream source = new FilterInputStream(new ByteArrayInputStream(compressed)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        try (InputStream in = codec.decompress(source)) {
            return in.readAllBytes();
        }
    }

    @Test
    void qualityDefaultsToThreeAndIsConfigurable() throws IOException {
        BrotliCodec codec = new BrotliCodec();
        assertEquals(3, codec.quality());
        assertEquals(0, ((BrotliCodec) codec.configure(Map.of(BrotliCodec.QUALITY, "0"))).quality());
        assertEquals(11, ((BrotliCodec) codec.configure(Map.of(BrotliCodec.QUALITY, " 11 "))).quality());
        assertSame(codec, codec.configure(Map.of()));
        assertEquals(3, ((BrotliCodec) codec.configure(Map.of(BrotliCodec.QUALITY, "9")).configure(Map.of()))
                .quality());

        byte[] plain = content(1 << 20);
        byte[] fast = compress(codec.configure(Map.of(BrotliCodec.QUALITY, "0")), plain);
        byte[] strong = compress(codec.configure(Map.of(BrotliCodec.QUALITY, "9")), plain);
        assertTrue(strong.length < fast.length, "quality 9 (" + strong.length + " bytes) beats quality 0 ("
                + fast.length + " bytes)");
        assertArrayEquals(plain, decompress(codec, strong, 65536));
    }

    @Test
    void rejectsBadQualitiesAndUnknownKeys() {
        BrotliCodec codec = new BrotliCodec();
        // a blank value counts as not set, as for every provider setting
        assertEquals(BrotliCodec.QUALITY_DEFAULT, ((BrotliCodec) codec.configure(Map.of(BrotliCodec.QUALITY, " "))).quality());
        for (String bad : new String[] {"-1", "12", "best", "2.5"}) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> codec.configure(Map.of(BrotliCodec.QUALITY, bad)), bad);
            assertTrue(e.getMessage().contains(BrotliCodec.QUALITY), e.getMessage());
        }
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> codec.configure(Map.of("brotli.level", "3")));
        assertTrue(e.getMessage().contains("brotli.level") && e.getMessage().contains(BrotliCodec.QUALITY),
                e.getMessage());
    }

    /**
     * brotli4j's own input stream fails this content, 8 MiB, with "unexpected end of input" near
     * its end; whatever the source's read sizes, the codec's decoder reads it to the end.
     */
    @ParameterizedTest
    @ValueSource(ints = {1000, 4096, 65536, 1 << 20, Integer.MAX_VALUE})
    void decodesToTheEndWhateverTheSourceReadSizes(int chunk) throws IOException {
        BrotliCodec codec = new BrotliCodec();
        byte[] plain = content(8 << 20);
        assertArrayEquals(plain, decompress(codec, compress(codec, plain), chunk));
    }

    @Test
    void decodesASourceThatReturnsOneByteAtATime() throws IOException {
        BrotliCodec codec = new BrotliCodec();
        byte[] plain = content(300_000);
        assertArrayEquals(plain, decompress(codec, compress(codec, plain), 1));
    }

    @Test
    void decodesStreamsWrittenWithOtherParameters() throws IOException {
        BrotliCodec codec = new BrotliCodec();
        byte[] plain = content(256 * 1024);
        for (Encoder.Parameters parameters : new Encoder.Parameters[] {Encoder.Parameters.create(0, 10),
                Encoder.Parameters.create(11, 24), Encoder.Parameters.create(5, 16, Encoder.Mode.TEXT)}) {
            byte[] compressed = Encoder.compress(plain, parameters);
            assertArrayEquals(plain, decompress(codec, compressed, 8192), "quality " + parameters.quality()
                    + ", window " + parameters.lgwin());
        }
    }

    /** {@code rows-300.txt.br}: "row 1\n" to "row 300\n", written by the brotli 1.0.9 tool at quality 9. */
    @Test
    void readsWhatTheBrotliToolWrote() throws IOException {
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= 300; i++) {
            rows.append("row ").append(i).append('\n');
        }
        try (InputStream in = new BrotliCodec().decompress(getClass().getResourceAsStream("rows-300.txt.br"))) {
            assertEquals(rows.toString(), new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void anEmptyOrCutInputIsATruncatedObject() throws IOException {
        BrotliCodec codec = new BrotliCodec();
        byte[] compressed = compress(codec, content(4 << 20));
        for (byte[] truncated : new byte[][] {new byte[0], Arrays.copyOf(compressed, compressed.length - 1)}) {
            IOException e = assertThrows(IOException.class, () -> decompress(codec, truncated, 65536));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void closeIsIdempotentAndReadingAfterItFails() throws IOException {
        BrotliCodec codec = new BrotliCodec();
        InputStream in = codec.decompress(new ByteArrayInputStream(compress(codec, new byte[] {1, 2, 3})));
        assertEquals(1, in.read());
        in.close();
        in.close();
        assertThrows(IOException.class, in::read);
    }
}
