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
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

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
 * <p>The suite runs the round-trip tests of {@link StreamTransformContractTest} with the full
 * settings and checks round trips (empty, one byte, byte-at-a-time calls, 16 MiB and a large
 * stream of {@link #largeStreamSize()} bytes that is never held in memory), that encryption and
 * decryption stream, that ciphertext reveals nothing obvious, that encrypt-only settings encrypt
 * but refuse to decrypt with a {@link ConfigurationException}, that a flipped byte, a truncation
 * or appended bytes always fail (an {@link IOException} for damage past the head, which the
 * engine reports as an integrity error naming the object; a {@link WalKeeperException} is also
 * accepted where damage to the head may look like a message for another key), that another
 * key's settings fail with a {@link WalKeeperException}, settings validation, stream closing,
 * thread-safety, and discovery with {@link ServiceLoader}.
 *
 * <p>Decryption may only detect damage when the end of the stream is read; every test reads to
 * the end, as callers must before they trust the content.
 */
public abstract class EncryptionProviderContractTest extends StreamTransformContractTest {
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
     * Returns the cipher configured with {@link #fullSettings()}, once per test.
     *
     * @return the cipher
     */
    protected final synchronized StreamCipher fullCipher() {
        if (full == null) {
            full = provider().configure(fullSettings());
        }
        return full;
    }

    /**
     * Encrypts what is written into {@code sink} with {@link #fullCipher()}.
     *
     * @param sink where the ciphertext goes
     * @return the encrypting stream
     * @throws IOException if the stream cannot be set up
     */
    @Override
    protected OutputStream wrapOutput(OutputStream sink) throws IOException {
        return fullCipher().encrypt(sink);
    }

    /**
     * Decrypts {@code source} with {@link #fullCipher()}.
     *
     * @param source the ciphertext
     * @return the decrypting stream
     * @throws IOException if the stream cannot be set up
     */
    @Override
    protected InputStream wrapInput(InputStream source) throws IOException {
        return fullCipher().decrypt(source);
    }

    /**
     * Ciphertext is not shorter than the content.
     *
     * @param contentSize the bytes of content
     * @param transformedSize the bytes of ciphertext
     */
    @Override
    protected void checkTransformedSize(long contentSize, long transformedSize) {
        assertTrue(transformedSize >= contentSize, "ciphertext of " + transformedSize
                + " bytes is shorter than the content of " + contentSize + " bytes");
    }

    /**
     * Damage is reported with a message, which the engine passes on as an integrity error naming
     * the object.
     *
     * @param failure the failure
     * @param what what was damaged
     */
    @Override
    protected void checkDamageReport(Exception failure, String what) {
        assertMessage(failure);
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
     * A flipped byte in the head fails with an {@link IOException} or a {@link WalKeeperException}
     * (a damaged key id reads as another key's message); flips in the body and at the end are
     * checked by {@link #rejectsFlippedByte()}.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void rejectsFlippedByteInHead() throws IOException {
        byte[] ciphertext = encrypt(fullCipher(), random(6, 1 << 20));
        int n = ciphertext.length;
        for (int at : new int[] {0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987}) {
            assertDecryptFails(flipped(ciphertext, at), "byte " + at + " of " + n + " flipped");
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
            assertRestoreFails(extended, extra.length + " bytes appended");
        }
    }

    /**
     * Input that was never encrypted fails; it is not passed through.
     *
     * @throws IOException on an unexpected failure
     */
    @Test
    public void rejectsPlainInput() throws IOException {
        assertDecryptFails("not encrypted at all\n".getBytes(StandardCharsets.US_ASCII), "plain text");
        assertDecryptFails(random(9, 4096), "random bytes");
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

    /** Decrypting fails with an {@link IOException} or, as damage to the head may cause, a {@link WalKeeperException}. */
    private void assertDecryptFails(byte[] ciphertext, String what) {
        Exception failure = null;
        int length = -1;
        try (InputStream in = fullCipher().decrypt(new ByteArrayInputStream(ciphertext))) {
            length = in.readAllBytes().length;
        } catch (IOException | WalKeeperException e) {
            failure = e;
        }
        if (failure == null) {
            fail(what + ": decrypted to " + length + " bytes without an error");
        }
        assertMessage(failure);
    }

    private static void assertMessage(Throwable e) {
        assertNotNull(e.getMessage(), "exception without message: " + e);
        assertFalse(e.getMessage().isBlank(), "exception with a blank message: " + e);
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
