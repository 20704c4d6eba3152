package io.walkeeper.storage.s3;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * A throughput check, not a test: starts S3Mock in this JVM, streams pseudo-random data through
 * {@link S3BlobStore#create} (a multipart upload with the default part size and concurrency),
 * reads it back through {@link S3BlobStore#get}, compares SHA-256 digests and prints MB/s for
 * both directions. Run with the test class path; the optional argument is the size in MiB
 * (default 1024). Memory stays bounded: run it with a small heap such as {@code -Xmx512m}.
 */
public final class S3Throughput {
    private static final int CHUNK = 64 * 1024;

    private S3Throughput() {
    }

    /**
     * Runs the check.
     *
     * @param args optionally the size in MiB
     * @throws Exception on any failure, including a digest mismatch
     */
    public static void main(String[] args) throws Exception {
        long size = (args.length > 0 ? Long.parseLong(args[0]) : 1024L) << 20;
        S3MockExtension mock = S3MockSupport.extension();
        mock.start();
        try {
            String bucket = S3MockSupport.newBucket(mock, "throughput");
            try (S3BlobStore store = S3BlobStore.open(URI.create("s3://" + bucket + "/bench"),
                    S3MockSupport.settings(mock))) {
                System.out.printf("S3Mock at %s; %d MiB, part size %d MiB, upload concurrency %d, max heap %d MiB%n",
                        mock.getServiceEndpoint(), size >> 20, store.properties().partSize() >> 20,
                        store.properties().uploadConcurrency(), Runtime.getRuntime().maxMemory() >> 20);
                MessageDigest written = MessageDigest.getInstance("SHA-256");
                long start = System.nanoTime();
                store.create("object.bin", out -> writeRandom(out, 20_26, size, written));
                long uploaded = System.nanoTime();

                MessageDigest read = MessageDigest.getInstance("SHA-256");
                long count;
                try (InputStream in = store.get("object.bin")) {
                    count = drain(in, read);
                }
                long downloaded = System.nanoTime();

                byte[] expected = written.digest();
                byte[] actual = read.digest();
                if (count != size || !Arrays.equals(expected, actual)) {
                    throw new IllegalStateException("Read back " + count + " bytes with SHA-256 "
                            + HexFormat.of().formatHex(actual) + ", wrote " + size + " with "
                            + HexFormat.of().formatHex(expected));
                }
                System.out.printf("upload:   %6.1f MB/s (%.1f s)%n", mbPerSecond(size, uploaded - start),
                        (uploaded - start) / 1e9);
                System.out.printf("download: %6.1f MB/s (%.1f s)%n", mbPerSecond(size, downloaded - uploaded),
                        (downloaded - uploaded) / 1e9);
                System.out.printf("SHA-256 %s matches; peak heap %d MiB%n", HexFormat.of().formatHex(actual),
                        peakHeap() >> 20);
            }
        } finally {
            mock.stop();
        }
    }

    private static void writeRandom(java.io.OutputStream out, long seed, long size, MessageDigest digest)
            throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[CHUNK];
        for (long left = size; left > 0; ) {
            int n = (int) Math.min(chunk.length, left);
            random.nextBytes(chunk);
            digest.update(chunk, 0, n);
            out.write(chunk, 0, n);
            left -= n;
        }
    }

    private static long drain(InputStream in, MessageDigest digest) throws IOException {
        byte[] chunk = new byte[CHUNK];
        long total = 0;
        for (int n; (n = in.read(chunk)) >= 0; ) {
            digest.update(chunk, 0, n);
            total += n;
        }
        return total;
    }

    private static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
