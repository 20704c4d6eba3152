package io.walkeeper.storage.gcs;

import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Measures the adapter's streaming path: uploads pseudo-random data with {@link GcsBlobStore#create}
 * through the client's resumable upload channel (16 MiB chunks), then downloads it and checks its
 * SHA-256, printing MB/s both ways. The store is {@code LocalStorageHelper}'s fake, which holds the
 * object in memory and copies it several times per chunk, so the figures measure the client and
 * adapter code plus the fake's copying, not a network; give the JVM about eight times the size as
 * heap. Not a test: run it by hand with the module's test class path, for example
 *
 * <pre>
 * NO_GCE_CHECK=true java -Xmx10g -cp target/test-classes:target/classes:$(cat cp.txt) \
 *     io.walkeeper.storage.gcs.GcsThroughput [MiB, default 1024]
 * </pre>
 *
 * <p>({@code NO_GCE_CHECK=true} keeps the fake's options from looking for a metadata server while
 * they search for default credentials.)
 */
public final class GcsThroughput {
    private static final int BUFFER = 1 << 20;

    private GcsThroughput() {
    }

    /**
     * Runs the measurement.
     *
     * @param args optionally the size in MiB
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        long size = (args.length > 0 ? Long.parseLong(args[0]) : 1024) << 20;
        try (GcsBlobStore store = GcsBlobStore.using(LocalStorageHelper.customOptions(false).getService(),
                URI.create("gs://walkeeper-throughput/run"), GcsSettings.CHUNK_SIZE_DEFAULT)) {
            MessageDigest written = sha256();
            long start = System.nanoTime();
            store.create("large/object.bin", out -> writeRandom(out, size, written));
            long uploaded = System.nanoTime();

            MessageDigest read = sha256();
            long count = 0;
            try (InputStream in = store.get("large/object.bin")) {
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    read.update(buffer, 0, n);
                    count += n;
                }
            }
            long downloaded = System.nanoTime();

            byte[] expected = written.digest();
            byte[] actual = read.digest();
            if (count != size || !MessageDigest.isEqual(expected, actual)) {
                throw new IllegalStateException("read back " + count + " bytes with SHA-256 "
                        + HexFormat.of().formatHex(actual) + ", wrote " + size + " with " + HexFormat.of().formatHex(expected));
            }
            System.out.printf("GCS adapter on LocalStorageHelper's in-memory fake (no network; the fake copies each "
                    + "chunk in memory), %d MiB, chunk %d MiB, SHA-256 %s verified%n", size >> 20,
                    GcsSettings.CHUNK_SIZE_DEFAULT >> 20, HexFormat.of().formatHex(actual).substring(0, 16));
            System.out.printf("upload   (create, resumable channel): %7.1f MB/s (%.1f s)%n", mbPerSecond(size, uploaded - start),
                    (uploaded - start) / 1e9);
            System.out.printf("download (get, read channel):         %7.1f MB/s (%.1f s)%n",
                    mbPerSecond(size, downloaded - uploaded), (downloaded - uploaded) / 1e9);
            System.out.println("(both include generating or hashing the data: SHA-256 on each side)");
        }
    }

    private static void writeRandom(OutputStream out, long size, MessageDigest digest) throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        byte[] buffer = new byte[BUFFER];
        for (long left = size; left > 0; ) {
            int n = (int) Math.min(buffer.length, left);
            for (int i = 0; i < n; i += 8) {
                long v = random.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    buffer[i + j] = (byte) (v >>> (8 * j));
                }
            }
            digest.update(buffer, 0, n);
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static MessageDigest sha256() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256");
    }
}
