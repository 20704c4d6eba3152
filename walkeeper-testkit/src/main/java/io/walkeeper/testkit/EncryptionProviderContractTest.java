package io.walkeeper.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.spi.EncryptionProvider;
import io.walkeeper.spi.StreamCipher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The behaviour every {@link EncryptionProvider} must have. A provider's test extends this class
 * and supplies the provider and three sets of settings; JUnit 5 then runs every test below:
 *
 * <pre>{@code
 * class MyProviderContractTest extends EncryptionProviderContractTest {
 *     protected EncryptionProvider provider() { return new MyProvider(); }
 *     protected Map<String, String> fullSettings() { return Map.of("my.key", KEY_PAIR_A); }
 *     protected Map<String, String> encryptOnlySettings() { return Map.of("my.public-key", PUBLIC_A); }
 *     protected Map<String, String> otherKeySettings() { return Map.of("my.key", KEY_PAIR_B); }
 * }
 * }</pre>
 *
 * <p>The suite checks round trips (empty, one byte, byte-at-a-time calls, 16 MiB and a large
 * stream that is never held in memory), that encryption and decryption stream, that ciphertext
 * reveals nothing obvious, that encrypt-only settings encrypt but refuse to decrypt with a
 * {@link ConfigurationException}, that a flipped byte, a truncation or appended bytes always fail
 * (an {@link IOException} for damage past the head, which the engine reports as an integrity
 * error naming the object; a {@link WalKeeperException} is also accepted where damage to the head
 * may look like a message for another key), that another key's settings fail with a
 * {@link WalKeeperException}, settings validation, stream closing, thread-safety, and discovery
 * with {@link ServiceLoader}.
 *
 * <p>Decryption may only detect damage when the end of the stream is read; every test reads to
 * the end, as callers must before they trust the content.
 */
public abstract class EncryptionProviderContractTest {
    /**
     * Size of the large round trip: 1 GiB, about 8 s for OpenPGP with the JDK's AES on two cores.
     * A provider much slower than that should override {@link #largeStreamBytes()} with 256 MiB
     * rather than slow every build down.
     */
    protected static final long DEFAULT_LARGE_STREAM_BYTES = 1L << 30;

    private static final Logger LOG = LoggerFactory.getLogger(EncryptionProviderContractTest.class);
    private static final int CHUNK = 64 * 1024;

    private StreamCipher full;

    /** Creates the test; subclasses need a no-argument constructor for JUnit. */
    protected EncryptionProviderContractTest() {
    }

    /**
     * Returns the provider under test, as {@link ServiceLoader} would provide it.
     *
     * @return the provider
     */
    protected abstract EncryptionProvider provider();

    /**
     * Returns settings that both encrypt and decrypt (key pair A).
     *
     * @return the settings
     */
    protected abstract Map<String, String> fullSettings();

    /**
     * Returns settings that encrypt to key pair A but hold nothing to decrypt with.
     *
     * @return the settings
     */
    protected abstract Map<String, String> encryptOnlySettings();

    /**
     * Returns settings that encrypt and decrypt with another key pair, B.
     *
     * @return the settings
     */
    protected abstract Map<String, String> otherKeySettings();

    /**
     * Returns the size of the stream {@link #roundTripsLargeStream()} encrypts and decrypts.
     *
     * @return the size in bytes; {@link #DEFAULT_LARGE_STREAM_BYTES} unless overridden
     */
    protected long largeStreamBytes() {
        return DEFAULT_LARGE_STREAM_BYTES;
    }

    /**
     * Returns the cipher configured with {@link #fullSettings()}, once per test.
     *
     * @return the cipher
     */
    protected final StreamCipher fullCipher() {
        if (full == null) {
            full = provider().configure(fullSettings());
        }
        return full;
    }

    /**
     * Encrypts {@code plain} into memory.
     *
     * @param cipher the cipher
     * @param plain the content
     * @return the ciphertext
     * @throws IOException if encrypting fails
     */
    protected static byte[] encrypt(StreamCipher cipher, byte[] plain) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (OutputStream out = cipher.encrypt(buffer)) {
            out.write(plain);
        }
        return buffer.toByteArray();
    }

    /**
     * Decrypts {@code ciphertext} in memory, reading to the end.
     *
     * @param cipher the cipher
     * @param ciphertext the ciphertext
     * @return the content
     * @throws IOException if the ciphertext is damaged
     */
    protected static byte[] decrypt(StreamCipher cipher, byte[] ciphertext) throws IOException {
        try (InputStream in = cipher.decrypt(new ByteArrayInputStream(ciphertext))) {
            return in.readAllBytes();
        }
    }

    /**
     * Returns {@code size} pseudo-random bytes determined by {@code seed}.
     *
     * @param seed the seed
     * @param size the size
     * @return the bytes
     */
    protected static byte[] random(long seed, int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    /** The name and extension are short lower-case words; the extension has no dot. */
    @Test
    public void nameAndExtensionAreWellFormed() {
        assertTrue(provider().name().matches("[a-z0-9][a-z0-9-]*"), provider().name());
        assertTrue(provider().extension().matches("[a-z0-9]+"), provider().extension());
    }

    /** {@link ServiceLoader} finds the provider by name. */
    @Test
    public void isFoundByServiceLoader() {
        List<EncryptionProvider> found = ServiceLoader.load(EncryptionProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(provider().name()))
                .collect(Collectors.toList());
        assertEquals(1, found.size(), "providers named '" + provider().name() + "': " + found);
        assertEquals(provider().getClass(), found.get(0).getClass());
    }

    /**
     * Empty content round-trips.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void roundTripsEmpty() throws IOException {
        assertArrayEquals(new byte[0], decrypt(fullCipher(), encrypt(fullCipher(), new byte[0])));
    }

    /**
     * One byte round-trips.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void roundTripsOneByte() throws IOException {
        assertArrayEquals(new byte[] {42}, decrypt(fullCipher(), encrypt(fullCipher(), new byte[] {42})));
    }

    /**
     * Content written and read one byte at a time round-trips.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void roundTripsSingleByteCalls() throws IOException {
        byte[] plain = random(3, 200_000);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (OutputStream out = fullCipher().encrypt(buffer)) {
            for (byte b : plain) {
                out.write(b);
            }
        }
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        try (InputStream in = fullCipher().decrypt(new ByteArrayInputStream(buffer.toByteArray()))) {
            for (int b; (b = in.read()) >= 0; ) {
                result.write(b);
            }
            assertEquals(-1, in.read(), "end of stream is sticky");
        }
        assertArrayEquals(plain, result.toByteArray());
    }

    /**
     * 16 MiB round-trip.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void roundTrips16MiB() throws IOException {
        byte[] plain = random(16, 16 << 20);
        assertArrayEquals(plain, decrypt(fullCipher(), encrypt(fullCipher(), plain)));
    }

    /**
     * A large stream ({@link #largeStreamBytes()}) round-trips through a pipe between two threads,
     * never held in memory; checked by SHA-256. Logs the throughput.
     *
     * @throws Exception on an unexpected failure
     */
    @Test
    public void roundTripsLargeStream() throws Exception {
        long size = largeStreamBytes();
        StreamCipher cipher = fullCipher();
        MessageDigest written = sha256();
        MessageDigest read = sha256();
        StreamPipe pipe = new StreamPipe(16);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        long start = System.nanoTime();
        try {
            Future<?> writing = writer.submit(() -> {
                try (OutputStream out = cipher.encrypt(pipe.sink())) {
                    writeRandom(out, 77, size, written);
                } catch (Exception e) {
                    pipe.abortWriter(e);
                    throw e;
                }
                return null;
            });
            long total;
            try (InputStream in = cipher.decrypt(pipe.source())) {
                total = drain(in, read);
            }
            writing.get(10, TimeUnit.MINUTES);
            assertEquals(size, total, "plaintext size");
            assertTrue(pipe.transferred() >= size, "ciphertext of " + pipe.transferred() + " bytes is not shorter than the content");
        } finally {
            writer.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertArrayEquals(written.digest(), read.digest(), "SHA-256 of the content read back");
        LOG.info("{}: {} MiB encrypted and decrypted concurrently in {} s ({} MB/s)", provider().name(), size >> 20,
                String.format("%.1f", seconds), String.format("%.0f", size / 1e6 / seconds));
    }

    /**
     * Encryption passes ciphertext on while content is written, and decryption reads ciphertext
     * only as far as it needs: neither holds the whole object.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void encryptsAndDecryptsAsStreams() throws IOException {
        int size = 8 << 20;
        byte[] plain = random(8, size);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = fullCipher().encrypt(sink)) {
            out.write(plain, 0, size / 2);
            out.write(plain, size / 2, size / 2);
            assertTrue(sink.size() >= size / 2, "only " + sink.size() + " ciphertext bytes passed on after "
                    + size + " bytes of content were written: the encryptor buffers the object");
        }
        CountingInputStream source = new CountingInputStream(new ByteArrayInputStream(sink.toByteArray()));
        try (InputStream in = fullCipher().decrypt(source)) {
            byte[] first = in.readNBytes(1 << 20);
            assertArrayEquals(Arrays.copyOf(plain, 1 << 20), first);
            assertTrue(source.count < 4L << 20, source.count + " ciphertext bytes read to return the first MiB:"
                    + " the decryptor buffers the object");
            assertArrayEquals(Arrays.copyOfRange(plain, 1 << 20, size), in.readAllBytes());
        }
    }

    /**
     * Ciphertext differs from the content, does not contain it, and differs between two encryptions
     * of the same content.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void ciphertextRevealsNothingObvious() throws IOException {
        byte[] plain = ("walkeeper contract: this text must not appear in ciphertext. ".repeat(1000))
                .getBytes(StandardCharsets.US_ASCII);
        byte[] first = encrypt(fullCipher(), plain);
        byte[] second = encrypt(fullCipher(), plain);
        assertFalse(Arrays.equals(plain, first), "ciphertext equals the content");
        assertFalse(Arrays.equals(first, second), "two encryptions of the same content are identical");
        byte[] needle = Arrays.copyOf(plain, 32);
        assertEquals(-1, indexOf(first, needle), "ciphertext contains 32 bytes of the content");
        assertArrayEquals(plain, decrypt(fullCipher(), second));
    }

    /**
     * Encrypt-only settings configure and encrypt, and what they encrypt the full settings decrypt;
     * decrypting with them fails with a {@link ConfigurationException} that explains itself.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void encryptOnlySettingsEncryptButDoNotDecrypt() throws IOException {
        StreamCipher encryptOnly = provider().configure(encryptOnlySettings());
        byte[] plain = random(11, 100_000);
        byte[] ciphertext = encrypt(encryptOnly, plain);
        assertArrayEquals(plain, decrypt(fullCipher(), ciphertext));
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> decrypt(encryptOnly, ciphertext));
        assertMessage(e);
    }

    /**
     * Settings for another key pair cannot decrypt, and fail with a {@link WalKeeperException}
     * (which the engine passes on with the object's name), not with wrong data; the other way
     * round too.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void otherKeyCannotDecrypt() throws IOException {
        StreamCipher other = provider().configure(otherKeySettings());
        byte[] plain = random(12, 100_000);
        byte[] mine = encrypt(fullCipher(), plain);
        assertMessage(assertThrows(WalKeeperException.class, () -> decrypt(other, mine)));
        byte[] theirs = encrypt(other, plain);
        assertArrayEquals(plain, decrypt(other, theirs));
        assertMessage(assertThrows(WalKeeperException.class, () -> decrypt(fullCipher(), theirs)));
    }

    /**
     * A flipped byte anywhere fails: an {@link IOException} in the body and at the end; in the
     * head also a {@link WalKeeperException} (a damaged key id reads as another key's message).
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void rejectsFlippedByte() throws IOException {
        byte[] ciphertext = encrypt(fullCipher(), random(6, 1 << 20));
        int n = ciphertext.length;
        for (int at : new int[] {0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987}) {
            assertDecryptFails(flipped(ciphertext, at), true, "byte " + at + " of " + n + " flipped");
        }
        for (int at : new int[] {n / 4, n / 2, 3 * n / 4, n - 40, n - 23, n - 22, n - 21, n - 10, n - 2, n - 1}) {
            assertDecryptFails(flipped(ciphertext, at), false, "byte " + at + " of " + n + " flipped");
        }
    }

    /**
     * Ciphertext cut short anywhere fails with an {@link IOException}, for empty and for larger
     * content.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void rejectsTruncatedInput() throws IOException {
        for (byte[] plain : List.of(new byte[0], random(5, 1 << 20))) {
            byte[] ciphertext = encrypt(fullCipher(), plain);
            int n = ciphertext.length;
            for (int cut : new int[] {0, 1, 2, 10, 100, n / 2, n - 100, n - 23, n - 22, n - 21, n - 5, n - 1}) {
                if (cut < 0 || cut >= n) {
                    continue;
                }
                assertDecryptFails(Arrays.copyOf(ciphertext, cut), false, "ciphertext of " + n + " bytes cut to " + cut);
            }
        }
    }

    /**
     * Bytes appended to ciphertext fail with an {@link IOException}.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void rejectsAppendedBytes() throws IOException {
        byte[] ciphertext = encrypt(fullCipher(), random(7, 100_000));
        for (byte[] extra : List.of(new byte[] {0}, random(8, 1000), Arrays.copyOf(ciphertext, 500))) {
            byte[] extended = Arrays.copyOf(ciphertext, ciphertext.length + extra.length);
            System.arraycopy(extra, 0, extended, ciphertext.length, extra.length);
            assertDecryptFails(extended, false, extra.length + " bytes appended");
        }
    }

    /**
     * Input that was never encrypted fails; it is not passed through.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void rejectsPlainInput() throws IOException {
        assertDecryptFails("not encrypted at all\n".getBytes(StandardCharsets.US_ASCII), true, "plain text");
        assertDecryptFails(random(9, 4096), true, "random bytes");
    }

    /** An unknown setting, with or without the provider's prefix, is refused and named. */
    @Test
    public void rejectsUnknownSetting() {
        for (String key : List.of(provider().name() + ".no-such-setting", "no-such.setting")) {
            Map<String, String> settings = new HashMap<>(fullSettings());
            settings.put(key, "1");
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> provider().configure(settings));
            assertTrue(e.getMessage().contains(key), "message names '" + key + "': " + e.getMessage());
        }
    }

    /** Settings without any key are refused. */
    @Test
    public void rejectsSettingsWithoutKey() {
        assertMessage(assertThrows(ConfigurationException.class, () -> provider().configure(Map.of())));
    }

    /**
     * Closing the encrypting stream closes the destination; closing twice is harmless.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void closingEncryptorClosesDestination() throws IOException {
        int[] closed = {0};
        OutputStream destination = new FilterOutputStream(new ByteArrayOutputStream()) {
            @Override
            public void close() throws IOException {
                closed[0]++;
                super.close();
            }
        };
        OutputStream out = fullCipher().encrypt(destination);
        out.write(1);
        assertEquals(0, closed[0], "destination closed before the encrypting stream");
        out.close();
        out.close();
        assertTrue(closed[0] >= 1, "destination closed");
    }

    /**
     * Closing the decrypting stream closes the source, also before the end.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void closingDecryptorClosesSource() throws IOException {
        boolean[] closed = {false};
        InputStream source = new FilterInputStream(new ByteArrayInputStream(encrypt(fullCipher(), random(4, 300_000)))) {
            @Override
            public void close() throws IOException {
                closed[0] = true;
                super.close();
            }
        };
        InputStream in = fullCipher().decrypt(source);
        assertTrue(in.read() >= 0);
        in.close();
        assertTrue(closed[0], "source closed");
    }

    /**
     * One configured cipher serves streams on several threads at once.
     *
     * @throws Exception on an unexpected failure
     */
    @Test
    public void isThreadSafe() throws Exception {
        StreamCipher cipher = fullCipher();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = 100 + t;
                results.add(pool.submit(() -> {
                    byte[] plain = random(seed, 1 << 20);
                    return Arrays.equals(plain, decrypt(cipher, encrypt(cipher, plain)));
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get(2, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void assertDecryptFails(byte[] ciphertext, boolean typedAllowed, String what) {
        Throwable failure = null;
        int length = -1;
        try (InputStream in = fullCipher().decrypt(new ByteArrayInputStream(ciphertext))) {
            length = in.readAllBytes().length;
        } catch (IOException | WalKeeperException e) {
            failure = e;
        }
        if (failure == null) {
            fail(what + ": decrypted to " + length + " bytes without an error");
        }
        if (!typedAllowed && !(failure instanceof IOException)) {
            fail(what + ": expected an IOException, got " + failure, failure);
        }
        assertMessage(failure);
    }

    private static void assertMessage(Throwable e) {
        assertNotNull(e.getMessage(), "exception without message: " + e);
        assertFalse(e.getMessage().isBlank(), "exception with a blank message: " + e);
    }

    private static byte[] flipped(byte[] bytes, int at) {
        byte[] copy = bytes.clone();
        copy[at] ^= 0x10;
        return copy;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeRandom(OutputStream out, long seed, long size, MessageDigest digest) throws IOException {
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

    /** Counts the bytes read from a stream. */
    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
