package io.walkeeper.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.walkeeper.spi.StreamCipher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interoperability with GnuPG, when {@code gpg} is installed (Debian package {@code gnupg}):
 * GnuPG decrypts what walkeeper encrypts and the other way round, with keys made by
 * {@link OpenPgpKeys} and with keys made by {@code gpg --batch --gen-key} (RSA and Curve25519) and
 * exported as the README describes. Skipped, with the reason, when {@code gpg} is missing.
 */
class GpgInteropIT {
    private static final Logger LOG = LoggerFactory.getLogger(GpgInteropIT.class);
    private static final String GPG_PASSPHRASE = "gpg made this key";

    @TempDir
    static Path work;
    private static Path home;

    @BeforeAll
    static void requireGpg() throws Exception {
        String version = null;
        try {
            Process p = new ProcessBuilder("gpg", "--version").redirectErrorStream(true).start();
            version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            version = null;
        }
        assumeTrue(version != null && version.startsWith("gpg"),
                "gpg (GnuPG) is not installed: skipping the GnuPG interoperability check (install the gnupg package to run it)");
        LOG.info("GnuPG interoperability check with {}", version);
        home = Files.createDirectory(work.resolve("gnupg"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    @AfterAll
    static void stopAgent() throws Exception {
        if (home != null) {
            new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent")
                    .redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Runs gpg with this test's home directory and fails with its output if it fails. */
    private static String gpg(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--yes",
                "--no-tty", "--pinentry-mode", "loopback"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "gpg timed out: " + command);
        assertEquals(0, p.exitValue(), "gpg " + String.join(" ", args) + " failed:\n" + output);
        return output;
    }

    private static byte[] content(long seed) {
        byte[] bytes = new byte[3 << 20];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    private static void walkeeperEncrypt(StreamCipher cipher, byte[] plain, Path target) throws IOException {
        try (OutputStream out = cipher.encrypt(Files.newOutputStream(target))) {
            out.write(plain);
        }
    }

    private static byte[] walkeeperDecrypt(StreamCipher cipher, Path source) throws IOException {
        try (InputStream in = cipher.decrypt(Files.newInputStream(source))) {
            return in.readAllBytes();
        }
    }

    /** Both directions with one key pair; {@code gpgExtra} adds options to gpg's encryption. */
    private static void roundTrips(String name, String recipient, String passphrase, StreamCipher cipher,
                                   String... gpgExtra) throws Exception {
        byte[] plain = content(name.hashCode());
        Path ours = work.resolve(name + ".walkeeper.pgp");
        walkeeperEncrypt(cipher, plain, ours);
        Path decrypted = work.resolve(name + ".gpg-decrypted");
        gpg("--passphrase", passphrase, "--output", decrypted.toString(), "--decrypt", ours.toString());
        assertArrayEquals(plain, Files.readAllBytes(decrypted), "gpg decrypts what walkeeper encrypted");

        Path plainFile = Files.write(work.resolve(name + ".plain"), plain);
        Path theirs = work.resolve(name + ".gpg.pgp");
        List<String> args = new ArrayList<>(List.of("--trust-model", "always", "--recipient", recipient,
                "--passphrase", passphrase, "--output", theirs.toString()));
        args.addAll(List.of(gpgExtra));
        args.addAll(List.of("--encrypt", plainFile.toString()));
        gpg(args.toArray(String[]::new));
        assertArrayEquals(plain, walkeeperDecrypt(cipher, theirs), "walkeeper decrypts what gpg encrypted");
    }

    @Test
    void walkeeperKeysWorkWithGpg() throws Exception {
        OpenPgpKeys.KeyPair pair = TestKeys.protectedPair();
        Path key = Files.writeString(work.resolve("walkeeper-a.sec.asc"), pair.privateKey());
        gpg("--passphrase", TestKeys.PASSPHRASE, "--import", key.toString());
        StreamCipher cipher = new OpenPgpProvider().configure(TestKeys.protectedFull());
        roundTrips("walkeeper-key", pair.fingerprint(), TestKeys.PASSPHRASE, cipher);
        roundTrips("walkeeper-key-signed", pair.fingerprint(), TestKeys.PASSPHRASE, cipher,
                "--sign", "--local-user", pair.fingerprint());
        roundTrips("walkeeper-key-uncompressed", pair.fingerprint(), TestKeys.PASSPHRASE, cipher,
                "--compress-algo", "none");
    }

    @Test
    void gpgRsaKeysWorkWithWalkeeper() throws Exception {
        gpgGeneratedKeyRoundTrips("rsa", """
                Key-Type: RSA
                Key-Length: 3072
                Key-Usage: sign
                Subkey-Type: RSA
                Subkey-Length: 3072
                Subkey-Usage: encrypt
                Name-Real: walkeeper rsa
                Name-Email: rsa@example.com
                Expire-Date: 0
                """);
    }

    @Test
    void gpgCurve25519KeysWorkWithWalkeeper() throws Exception {
        gpgGeneratedKeyRoundTrips("ecc", """
                Key-Type: EDDSA
                Key-Curve: ed25519
                Key-Usage: sign
                Subkey-Type: ECDH
                Subkey-Curve: cv25519
                Subkey-Usage: encrypt
                Name-Real: walkeeper ecc
                Name-Email: ecc@example.com
                Expire-Date: 0
                """);
    }

    /** Generates a key with gpg, exports it as the README says, and round-trips both ways. */
    private static void gpgGeneratedKeyRoundTrips(String name, String parameters) throws Exception {
        Path parameterFile = Files.writeString(work.resolve(name + ".params"),
                parameters + "Passphrase: " + GPG_PASSPHRASE + "\n%commit\n");
        gpg("--gen-key", parameterFile.toString());
        String email = name + "@example.com";
        Path publicKey = work.resolve(name + ".pub.asc");
        Path privateKey = work.resolve(name + ".sec.asc");
        gpg("--export", "--armor", "--output", publicKey.toString(), email);
        gpg("--passphrase", GPG_PASSPHRASE, "--export-secret-keys", "--armor", "--output", privateKey.toString(), email);

        StreamCipher encryptOnly = new OpenPgpProvider().configure(Map.of(OpenPgpSettings.PUBLIC_KEY,
                Files.readString(publicKey)));
        StreamCipher full = new OpenPgpProvider().configure(Map.of(OpenPgpSettings.PRIVATE_KEY_PATH,
                privateKey.toString(), OpenPgpSettings.PASSPHRASE, GPG_PASSPHRASE));
        byte[] plain = content(7);
        Path ours = work.resolve(name + "-public.walkeeper.pgp");
        walkeeperEncrypt(encryptOnly, plain, ours);
        Path decrypted = work.resolve(name + "-public.gpg-decrypted");
        gpg("--passphrase", GPG_PASSPHRASE, "--output", decrypted.toString(), "--decrypt", ours.toString());
        assertArrayEquals(plain, Files.readAllBytes(decrypted), "gpg decrypts what walkeeper encrypted to the public key");
        roundTrips(name, email, GPG_PASSPHRASE, full);
    }
}
