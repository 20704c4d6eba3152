package io.walkeeper.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walkeeper.spi.StreamCipher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs encryption and decryption throughput, each on its own thread. Not an assertion: machines
 * differ; it is here to notice a regression by eye.
 */
class OpenPgpThroughputTest {
    private static final Logger LOG = LoggerFactory.getLogger(OpenPgpThroughputTest.class);
    private static final int SIZE = 128 << 20;

    @Test
    void logThroughput() throws IOException {
        StreamCipher cipher = new OpenPgpProvider().configure(TestKeys.otherFull());
        byte[] plain = new byte[SIZE];
        new SplittableRandom(1).nextBytes(plain);
        byte[] ciphertext = null;
        for (int round = 0; round < 3; round++) { // the first round warms the JIT up
            long t0 = System.nanoTime();
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(SIZE + (1 << 16));
            try (OutputStream out = cipher.encrypt(buffer)) {
                for (int off = 0; off < SIZE; off += 1 << 16) {
                    out.write(plain, off, 1 << 16);
                }
            }
            long t1 = System.nanoTime();
            ciphertext = buffer.toByteArray();
            buffer = null;
            long t2 = System.nanoTime();
            long total = 0;
            byte[] chunk = new byte[1 << 16];
            try (InputStream in = cipher.decrypt(new ByteArrayInputStream(ciphertext))) {
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    total += n;
                }
            }
            long t3 = System.nanoTime();
            assertEquals(SIZE, total);
            LOG.info("openpgp round {}: {} MiB encrypted at {} MB/s, decrypted at {} MB/s", round, SIZE >> 20,
                    mbps(t1 - t0), mbps(t3 - t2));
        }
    }

    private static String mbps(long nanos) {
        return String.format("%.0f", SIZE / 1e6 / (nanos / 1e9));
    }
}
