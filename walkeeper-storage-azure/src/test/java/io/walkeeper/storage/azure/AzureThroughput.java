package io.walkeeper.storage.azure;

import io.walkeeper.spi.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Measures upload and download speed of {@link AzureBlobStore} against a local Azurite (not a
 * JUnit test; run it by hand). Streams pseudo-random data into {@code create()} with the default
 * block size and concurrency, reads it back with {@code get()}, checks SHA-256 both ways and
 * prints MB/s. Memory stays bounded: the data is generated and digested in 64 KiB chunks.
 *
 * <pre>
 * java -Djdk.httpclient.allowRestrictedHeaders=content-length -cp TEST_CLASSPATH \
 *     io.walkeeper.storage.azure.AzureThroughput [MiB, default 1024]
 * </pre>
 */
public final class AzureThroughput {
    private static final int CHUNK = 64 * 1024;

    private AzureThroughput() {
    }

    /**
     * Runs the measurement.
     *
     * @param args optionally the object size in MiB
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        long size = (args.length > 0 ? Long.parseLong(args[0]) : 1024L) << 20;
        try (AzuriteServer azurite = AzuriteServer.start()) {
            String container = azurite.newContainer();
            try (BlobStore store = new AzureStorageProvider().open(URI.create("azure://" + container + "/bench"),
                    azurite.settings())) {
                MessageDigest written = sha256();
                long start = System.nanoTime();
                store.create("object.bin", out -> {
                    SplittableRandom random = new SplittableRandom(42);
                    byte[] chunk = new byte[CHUNK];
                    for (long left = size; left > 0; left -= CHUNK) {
                        int n = (int) Math.min(CHUNK, left);
                        random.nextBytes(chunk);
                        written.update(chunk, 0, n);
                        out.write(chunk, 0, n);
                    }
                });
                double up = seconds(start);

                MessageDigest read = sha256();
                long count = 0;
                start = System.nanoTime();
                try (InputStream in = store.get("object.bin")) {
                    byte[] chunk = new byte[CHUNK];
                    for (int n; (n = in.read(chunk)) >= 0; count += n) {
                        read.update(chunk, 0, n);
                    }
                }
                double down = seconds(start);
                String sent = HexFormat.of().formatHex(written.digest());
                String got = HexFormat.of().formatHex(read.digest());
                if (count != size || !sent.equals(got)) {
                    throw new IOException("read back " + count + " bytes with SHA-256 " + got + ", wrote " + size
                            + " bytes with SHA-256 " + sent);
                }
                double mb = size / 1e6;
                System.out.printf("Azurite %s, %d MiB, block %d MiB x %d: upload %.1f s = %.1f MB/s, download %.1f s"
                        + " = %.1f MB/s, SHA-256 %s verified%n", AzuriteServer.VERSION, size >> 20,
                        AzureSettings.BLOCK_SIZE_DEFAULT >> 20, AzureSettings.UPLOAD_CONCURRENCY_DEFAULT, up, mb / up,
                        down, mb / down, got);
                store.delete(java.util.List.of("object.bin"));
            }
            azurite.deleteContainer(container);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static MessageDigest sha256() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256");
    }
}
