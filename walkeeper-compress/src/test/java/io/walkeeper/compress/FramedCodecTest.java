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
 * size) still decode to exactly the original content.
 */
class FramedCodecTest {

    private static CompressionCodec codec(String name) {
        return name.equals("lz4") ? new Lz4Codec() : new ZstdCodec();
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
    @ValueSource(strings = {"lz4", "zstd"})
    void everyTruncationFails(String name) throws IOException {
        CompressionCodec codec = codec(name);
        for (byte[] plain : new byte[][] {new byte[0], {1}, content()}) {
            byte[] compressed = compress(codec, plain);
            assertArrayEquals(plain, decompress(codec, compressed));
            int step = Math.max(1, compressed.length / 2000);
            for (int cut = 0; cut < compressed.length; cut += cut < 64 ? 1 : step) {
                byte[] truncated = Arrays.copyOf(compressed, cut);
                assertThrows(IOException.class, () -> decompress(codec, truncated),
                        name + ": " + compressed.length + " bytes cut to " + cut);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lz4", "zstd"})
    void everyFlippedByteFailsOrDecodesExactly(String name) throws IOException {
        CompressionCodec codec = codec(name);
        byte[] plain = content();
        byte[] compressed = compress(codec, plain);
        int step = Math.max(1, compressed.length / 3000);
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
    @ValueSource(strings = {"lz4", "zstd"})
    void trailingGarbageFails(String name) throws IOException {
        CompressionCodec codec = codec(name);
        byte[] compressed = compress(codec, content());
        byte[] longer = Arrays.copyOf(compressed, compressed.length + 7);
        assertThrows(IOException.class, () -> decompress(codec, longer));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lz4", "zstd"})
    void concatenatedFramesAreOneStream(String name) throws IOException {
        CompressionCodec codec = codec(name);
        byte[] a = compress(codec, new byte[] {1, 2});
        byte[] b = compress(codec, new byte[] {3});
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        assertArrayEquals(new byte[] {1, 2, 3}, decompress(codec, both));
    }
}
