package io.walkeeper.core.wal;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.WalPushResult;
import io.walkeeper.core.io.NonClosingOutputStream;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.crypto.OpenPgpKeys;
import io.walkeeper.spi.EncryptionProvider;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database host holds only the public key (the private one is kept elsewhere, as the README
 * advises). A segment PostgreSQL offers again (a crash between the upload and {@code .done}, every
 * segment of an {@code archive_mode = always} standby, a key rotation) must be recognised as
 * identical without decrypting the archived copy, or wal-push fails forever and pg_wal fills up.
 */
class PublicKeyOnlyRepushTest {
    private static OpenPgpKeys.KeyPair keys;

    @TempDir
    Path dir;

    private final InMemoryBlobStore store = new InMemoryBlobStore();

    @BeforeAll
    static void generateKeys() {
        keys = OpenPgpKeys.generate("walkeeper test <test@example.com>", "pw".toCharArray());
    }

    private DefaultWalArchiver archiver(boolean privateKey) throws Exception {
        Path pub = Files.writeString(dir.resolve("pub.asc"), keys.publicKey());
        Path sec = Files.writeString(dir.resolve("sec.asc"), keys.privateKey());
        EncryptionProvider openpgp = Providers.encryption("openpgp");
        Map<String, String> settings = privateKey
                ? Map.of("openpgp.private-key-path", sec.toString(), "openpgp.passphrase", "pw")
                : Map.of("openpgp.public-key-path", pub.toString());
        return new DefaultWalArchiver(new Repository(store,
                new ObjectFormat(Providers.codec("lz4"), openpgp, openpgp.configure(settings), Providers.codecs())));
    }

    private Path segment(String name, long seed) throws Exception {
        Path p = dir.resolve("pg_wal").resolve(name);
        Files.createDirectories(p.getParent());
        return Files.write(p, DefaultWalArchiverTest.segment(name, 7441012542342354944L, seed));
    }

    @Test
    void aSegmentPushedAgainIsRecognisedWithOnlyThePublicKey() throws Exception {
        DefaultWalArchiver publicOnly = archiver(false);
        Path seg = segment("000000010000000000000003", 1);
        assertEquals(WalPushResult.STORED, publicOnly.push(seg));
        assertEquals(WalPushResult.ALREADY_ARCHIVED, publicOnly.push(seg), "identical content, told without decrypting");
        assertEquals(sha256(Files.readAllBytes(seg)),
                store.head("wal/000000010000000000000003.lz4.pgp").orElseThrow().metadata().get("sha256"));

        Files.write(seg, DefaultWalArchiverTest.segment("000000010000000000000003", 7441012542342354944L, 2));
        AlreadyExistsException different = assertThrows(AlreadyExistsException.class, () -> publicOnly.push(seg));
        assertTrue(different.getMessage().contains("different content"), different.getMessage());
    }

    @Test
    void anObjectArchivedWithoutAHashIsComparedByDecryptingOrRefusedWithAClearMessage() throws Exception {
        Path seg = segment("000000010000000000000004", 3);
        DefaultWalArchiver privateKey = archiver(true);
        ObjectFormat format = new ObjectFormat(Providers.codec("lz4"), Providers.encryption("openpgp"),
                Providers.encryption("openpgp").configure(Map.of("openpgp.public-key-path",
                        Files.writeString(dir.resolve("pub2.asc"), keys.publicKey()).toString())), Providers.codecs());
        // as an older walkeeper stored it: no metadata
        store.create("wal/000000010000000000000004.lz4.pgp", out -> {
            try (OutputStream enc = format.encode(new NonClosingOutputStream(out))) {
                enc.write(Files.readAllBytes(seg));
            }
        });
        assertEquals(WalPushResult.ALREADY_ARCHIVED, privateKey.push(seg), "compared by decrypting");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> archiver(false).push(seg));
        assertTrue(e.getMessage().contains("000000010000000000000004") && e.getMessage().contains("private key"),
                e.getMessage());
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
