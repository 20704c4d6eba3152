package io.walkeeper.testkit;

import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.BlobWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/** Content generators and readers shared by the contract suites. */
final class ContractPayloads {
    static final int CHUNK = 64 * 1024;

    private ContractPayloads() {
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Returns {@code size} pseudo-random bytes determined by {@code seed}. */
    static byte[] random(long seed, int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    static BlobWriter writing(byte[] content) {
        return out -> out.write(content);
    }

    static byte[] read(BlobStore store, String key) {
        try (InputStream in = store.get(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read '" + key + "' from " + store.location(), e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code size} pseudo-random bytes from {@code seed} in chunks, never holding more than
     * one chunk, and feeds them to {@code digest}.
     */
    static void writeRandom(OutputStream out, long seed, long size, MessageDigest digest) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[CHUNK];
        long left = size;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            random.nextBytes(chunk);
            digest.update(chunk, 0, n);
            out.write(chunk, 0, n);
            left -= n;
        }
    }

    /** Reads {@code in} to its end, feeding {@code digest}; returns the number of bytes read. */
    static long drain(InputStream in, MessageDigest digest) throws IOException {
        byte[] chunk = new byte[CHUNK];
        long total = 0;
        for (int n; (n = in.read(chunk)) >= 0; ) {
            digest.update(chunk, 0, n);
            total += n;
        }
        return total;
    }
}
