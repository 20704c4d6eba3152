package io.walkeeper.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bouncycastle.openpgp.PGPUtil;

/**
 * Key pairs shared by this module's tests, generated once per test JVM with
 * {@link OpenPgpKeys} (RSA key generation takes seconds).
 */
final class TestKeys {
    /** Passphrase of {@link #protectedPair()}. */
    static final String PASSPHRASE = "correct horse battery staple";

    private static OpenPgpKeys.KeyPair protectedPair;
    private static OpenPgpKeys.KeyPair plainPair;
    private static OpenPgpKeys.KeyPair otherPair;

    private TestKeys() {
    }

    /** Key pair A, protected by {@link #PASSPHRASE}. */
    static synchronized OpenPgpKeys.KeyPair protectedPair() {
        if (protectedPair == null) {
            protectedPair = OpenPgpKeys.generate("walkeeper test A <a@example.com>", PASSPHRASE.toCharArray());
        }
        return protectedPair;
    }

    /** Key pair C, without passphrase. */
    static synchronized OpenPgpKeys.KeyPair plainPair() {
        if (plainPair == null) {
            plainPair = OpenPgpKeys.generate("walkeeper test C <c@example.com>", null);
        }
        return plainPair;
    }

    /** Key pair B, without passphrase: "another repository's key". */
    static synchronized OpenPgpKeys.KeyPair otherPair() {
        if (otherPair == null) {
            otherPair = OpenPgpKeys.generate("walkeeper test B <b@example.com>", new char[0]);
        }
        return otherPair;
    }

    /** Settings that encrypt and decrypt with A. */
    static Map<String, String> protectedFull() {
        return Map.of(OpenPgpSettings.PRIVATE_KEY, protectedPair().privateKey(), OpenPgpSettings.PASSPHRASE, PASSPHRASE);
    }

    /** Settings that encrypt and decrypt with B. */
    static Map<String, String> otherFull() {
        return Map.of(OpenPgpSettings.PRIVATE_KEY, otherPair().privateKey());
    }

    /** Removes the armor of a key. */
    static byte[] binary(String armored) {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armored.getBytes(StandardCharsets.US_ASCII)))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code content} to {@code dir/name} and returns the path as a string. */
    static String write(Path dir, String name, byte[] content) {
        try {
            return Files.write(dir.resolve(name), content).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
