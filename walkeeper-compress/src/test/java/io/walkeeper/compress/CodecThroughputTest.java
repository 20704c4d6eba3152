package io.walkeeper.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walkeeper.spi.CompressionCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Prints a rough throughput figure per codec on WAL-like content (a third random, two thirds
 * repetitive). Not an assertion: machines differ; it is here to notice a regression by eye.
 */
class CodecThroughputTest {

    @Test
    void printThroughput() throws IOException {
        byte[] plain = new byte[32 << 20];
        Random random = new Random(1);
        byte[] chunk = new byte[8192];
        for (int off = 0; off < plain.length; off += chunk.length) {
            if ((off / chunk.length) % 3 == 0) {
                random.nextBytes(chunk);
            } else {
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = (byte) ("tuple " + (off + i) / 64).charAt(i % 6);
                }
            }
            System.arraycopy(chunk, 0, plain, off, chunk.length);
        }
        for (CompressionCodec codec : new CompressionCodec[] {new Lz4Codec(), new ZstdCodec(), new NoneCodec()}) {
            measure(codec, plain); // warm-up
            measure(codec, plain);
        }
    }

    private static void measure(CompressionCodec codec, byte[] plain) throws IOException {
        long t0 = System.nanoTime();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(plain.length);
        try (OutputStream out = codec.compress(buffer)) {
            for (int off = 0; off < plain.length; off += 65536) {
                out.write(plain, off, Math.min(65536, plain.length - off));
            }
        }
        long t1 = System.nanoTime();
        byte[] result = new byte[plain.length];
        try (InputStream in = codec.decompress(new ByteArrayInputStream(buffer.toByteArray()))) {
            int off = 0;
            for (int n; (n = in.read(result, off, Math.min(65536, result.length - off))) > 0; ) {
                off += n;
            }
            assertEquals(-1, in.read(), "no more content");
        }
        long t2 = System.nanoTime();
        assertArrayEquals(plain, result);
        double mib = plain.length / (double) (1 << 20);
        System.out.printf("codec %-5s ratio %.3f  compress %6.0f MiB/s  decompress %6.0f MiB/s%n", codec.name(),
                buffer.size() / (double) plain.length, mib / ((t1 - t0) / 1e9), mib / ((t2 - t1) / 1e9));
    }
}
