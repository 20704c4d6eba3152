package io.walkeeper.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.walkeeper.spi.CompressionCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exhaustive corruption checks on small frames: every truncation point must fail, and every
 * flipped byte must either fail or (for bits the format does not need, such as zstd's window
 * size) still decode to exactly the original content. Brotli has no checksum, so it is held to
 * the truncation and trailing-bytes checks only (and is not concatenable).
 */
class FramedCodecTest {

    private static CompressionCodec codec(String name) {
        switch (name) {
            case "lz4":
                return new Lz4Codec();
            case "zstd":
                return new ZstdCodec();
            case "brotli":
                return new BrotliCodec();
            case "xz":
                return new XzCodec();
            default:
                throw new IllegalArgumentException(name);
        }
    }

    /**
     * How many corrupt variants to decode: xz decodes in pure Java, an order of magnitude slower,
     * and its CRC64 makes a wrong decoding as unlikely at one position as at another.
     */
    private static int budget(String name, int fast) {
        return name.equals("xz") ? fast / 20 : fast;
    }

    private static byte[] content() {
        byte[] plain = new byte[200_000];
        new Random(7).nextBytes(plain);
        for (int i = 0; i < plain.length / 2; i++) {
            plain[i] = (byte) ("0123456789abcdef".charAt(i % 16));
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

    private static byte[] decompress(CompressionCodec codec, byte[] compressed) throws IOException {
        try (InputStream in = codec.decompress(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lz4", "zstd", "brotli", "xz"})
    void everyTruncationFails(String name) throws IOException {
        CompressionCodec codec = codec(name);
        for (byte[] plain : new byte[][] {new byte[0], {1}, content()}) {
            byte[] compressed = compress(codec, plain);
            assertArrayEquals(plain, decompress(codec, compressed));
            int step = Math.max(1, compressed.length / budget(name, 2000));
            for (int cut = 0; cut < compressed.length; cut += cut < 64 || cut >= compressed.length - 64 ? 1 : step) {
                byte[] truncated = Arrays.copyOf(compressed, cut);
                assertThrows(IOException.class, () -> decompress(codec, truncated),
                        name + ": " + compressed.length + " bytes cut to " + cut);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lz4", "zstd", "xz"})
    void everyFlippedByteFailsOrDecodesExactly(String name) throws IOException {
        CompressionCodec codec = codec(name);
        byte[] plain = content();
        byte[] compressed = compress(codec, plain);
        int step = Math.max(1, compressed.length / budget(name, 3000));
        for (int at = 0; at < compressed.length; at += at < 64 || at > compressed.length - 64 ? 1 : step) {
            for (int bit = 0; bit < 8; bit += 3) {
                byte[] corrupt = compressed.clone();
                corrupt[at] ^= (byte) (1 << bit);
                byte[] decoded;
                try {
                    decoded = decompress(codec, corrupt);
                } catch (IOException expected) {
                    continue;
                }
                assertArrayEquals(plain, decoded, name + ": byte " + at + " bit " + bit + " flipped, wrong content");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lz4", "zstd", "brotli", "xz"})
    void trailingGarbageFails(String name) throws IOException {
        CompressionCodec codec = codec(name);
        byte[] compressed = compress(codec, content());
        byte[] longer = Arrays.copyOf(compressed, compressed.length + 7);
        assertThrows(IOException.class, () -> decompress(codec, longer));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lz4", "zstd", "xz"})
    void concatenatedFramesAreOneStream(String name) throws IOException {
        CompressionCodec codec = codec(name);
        byte[] a = compress(codec, new byte[] {1, 2});
        byte[] b = compress(codec, new byte[] {3});
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        assertArrayEquals(new byte[] {1, 2, 3}, decompress(codec, both));
    }
}
