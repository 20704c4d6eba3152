package io.walkeeper.core.restore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.VerificationResult;
import io.walkeeper.core.backup.TestBackups;
import io.walkeeper.core.io.HeldTempFiles;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.IndexedManifest;
import io.walkeeper.core.repo.Json;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryLayout;
import io.walkeeper.crypto.OpenPgpKeys;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.EncryptionProvider;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In an encrypted repository, parts and WAL cannot be read or forged without the keys, but a
 * manifest is plain JSON, and anyone who can write the bucket could replace it (and, holding the
 * public key, parts encrypted to it). With the private key configured, a backup signs its
 * manifest, and a restore refuses a manifest whose signature does not verify, or that has none
 * unless unsigned manifests are explicitly accepted.
 */
class ManifestSignatureTest {
    private static OpenPgpKeys.KeyPair keys;

    @TempDir
    Path tmp;

    @BeforeAll
    static void generateKeys() {
        keys = OpenPgpKeys.generate("walkeeper test <test@example.com>", "pw".toCharArray());
    }

    private Repository repository(BlobStore store, boolean privateKey) throws IOException {
        Path pub = Files.writeString(tmp.resolve("pub.asc"), keys.publicKey());
        Path sec = Files.writeString(tmp.resolve("sec.asc"), keys.privateKey());
        EncryptionProvider openpgp = Providers.encryption("openpgp");
        Map<String, String> settings = privateKey
                ? Map.of("openpgp.private-key-path", sec.toString(), "openpgp.passphrase", "pw")
                : Map.of("openpgp.public-key-path", pub.toString());
        return new Repository(store, new ObjectFormat(Providers.codec("lz4"), openpgp, openpgp.configure(settings),
                Providers.codecs()));
    }

    private void backUp(Repository repo) throws IOException {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("global"));
        Files.createDirectories(data.resolve("base/1"));
        byte[] b = new byte[8192];
        new Random(9).nextBytes(b);
        Files.write(data.resolve("global/pg_control"), b);
        Files.write(data.resolve("base/1/16384"), b);
        TestBackups.take(repo, data, "base_1", new Lsn(1L << 24), Instant.parse("2026-01-01T00:00:00Z"), null, 5);
    }

    private RestoreRequest request(String dir) {
        return RestoreRequest.of(BackupSelector.named("base_1"), tmp.resolve(dir), "fetch %f %p");
    }

    /** Alters the stored manifest of base_1 as someone who can write the bucket would, to point recovery elsewhere. */
    private static void pointRecoveryElsewhere(InMemoryBlobStore store) throws IOException {
        String key = RepositoryLayout.manifestKey("base_1");
        ObjectNode m;
        try (InputStream in = store.get(key)) {
            m = (ObjectNode) Json.MAPPER.readTree(in);
        }
        m.put("backupLabel", "START WAL LOCATION: 0/9000028 (file 000000010000000000000009)\n");
        store.put(key, out -> out.write(Json.MAPPER.writeValueAsBytes(m)));
    }

    @Test
    void aSignedManifestRestoresAndAnAlteredOneIsRefused() throws IOException {
        InMemoryBlobStore store = new InMemoryBlobStore();
        Repository repo = repository(store, true);
        backUp(repo);
        assertTrue(store.head(RepositoryLayout.manifestSignatureKey("base_1")).isPresent(), "the manifest is signed");
        new DefaultRestorer(repo, 2).restore(request("good"));
        assertTrue(Files.exists(tmp.resolve("good/global/pg_control")));

        pointRecoveryElsewhere(store);
        IntegrityException e = assertThrows(IntegrityException.class, () -> new DefaultRestorer(repo, 2).restore(request("bad")));
        assertTrue(e.getMessage().contains("does not match its signature"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("bad"), LinkOption.NOFOLLOW_LINKS), "nothing written");
        VerificationResult v = new DefaultRestorer(repo, 2).verify(BackupSelector.named("base_1"));
        assertFalse(v.ok());
        assertTrue(v.problems().stream().anyMatch(p -> p.contains("does not match its signature")), v.problems().toString());
    }

    @Test
    void anUnsignedManifestIsRefusedUnlessAccepted() throws IOException {
        InMemoryBlobStore store = new InMemoryBlobStore();
        backUp(repository(store, false)); // a host with only the public key cannot sign
        assertFalse(store.head(RepositoryLayout.manifestSignatureKey("base_1")).isPresent());
        Repository restoring = repository(store, true);
        IntegrityException e = assertThrows(IntegrityException.class,
                () -> new DefaultRestorer(restoring, 2).restore(request("refused")));
        assertTrue(e.getMessage().contains("has no signature") && e.getMessage().contains("--accept-unsigned-manifest"),
                e.getMessage());
        new DefaultRestorer(restoring, 2).restore(request("accepted").withUnsignedManifestsAccepted(true));
        assertTrue(Files.exists(tmp.resolve("accepted/global/pg_control")));
        // (the synthetic backup's WAL is not archived, so verification also reports that)
        assertTrue(new DefaultRestorer(restoring, 2).verify(BackupSelector.named("base_1"), true).problems().stream()
                .noneMatch(p -> p.contains("signature")));
        assertTrue(new DefaultRestorer(restoring, 2).verify(BackupSelector.named("base_1")).problems().stream()
                .anyMatch(p -> p.contains("has no signature")));
    }

    @Test
    void theIndexedReadChecksTheSignatureAsTheWholeReadDoes() throws IOException {
        InMemoryBlobStore store = new InMemoryBlobStore();
        Repository repo = repository(store, true);
        backUp(repo);
        BackupManifest whole = repo.readTrustedManifest("base_1", false);
        List<String> held = HeldTempFiles.held("walkeeper-");
        try (IndexedManifest indexed = repo.readTrustedManifestIndexed("base_1", false)) {
            assertEquals(whole.toInfo(), indexed.summary().toInfo());
            for (FileEntry f : whole.files()) {
                assertEquals(f, indexed.files().find(f.path()), f.path());
            }
        }
        pointRecoveryElsewhere(store);
        IntegrityException e = assertThrows(IntegrityException.class, () -> repo.readTrustedManifestIndexed("base_1", false));
        assertTrue(e.getMessage().contains("does not match its signature"), e.getMessage());
        store.delete(List.of(RepositoryLayout.manifestSignatureKey("base_1")));
        e = assertThrows(IntegrityException.class, () -> repo.readTrustedManifestIndexed("base_1", false));
        assertTrue(e.getMessage().contains("has no signature"), e.getMessage());
        try (IndexedManifest accepted = repo.readTrustedManifestIndexed("base_1", true)) {
            assertEquals(whole.files().size(), accepted.files().size());
        }
        assertThrows(NotFoundException.class, () -> repo.readTrustedManifestIndexed("base_2", false));
        assertEquals(held, HeldTempFiles.held("walkeeper-"), "every temporary file is freed, refused or not");
    }
}
