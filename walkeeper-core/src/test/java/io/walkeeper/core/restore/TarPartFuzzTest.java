package io.walkeeper.core.restore;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.testkit.InMemoryBlobStore;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * The reading of a backup part, on an arbitrary stored object (a hostile or damaged tar stream,
 * whose stored size and SHA-256 the manifest records, as an attacker who can write the manifest
 * too would arrange): the only failures allowed are walkeeper's own exceptions, and the only files
 * ever opened for writing are the ones the manifest lists for this part, with their block writes
 * inside the recorded length.
 */
class TarPartFuzzTest {
    private static final Instant MTIME = Instant.parse("2026-01-01T00:00:00Z");
    private static final Map<String, FileEntry> EXPECTED = Map.of(
            "base/1/16384", whole("base/1/16384", 16384),
            "base/1/16385", FileEntry.file("base/1/16385").size(24576).mode(0600).mtime(MTIME).part("part_0001.tar")
                    .storage(FileEntry.Storage.DELTA).entrySize(8192 + 64).build(),
            "PG_VERSION", whole("PG_VERSION", 3));

    private static FileEntry whole(String path, long size) {
        return FileEntry.file(path).size(size).mode(0600).mtime(MTIME).part("part_0001.tar").storage(FileEntry.Storage.WHOLE)
                .entrySize(size).build();
    }

    @FuzzTest(maxDuration = "10s")
    void briefly(FuzzedDataProvider data) {
        readPart(data);
    }


    static void readPart(FuzzedDataProvider data) {
        byte[] stored = data.consumeRemainingAsBytes();
        InMemoryBlobStore store = new InMemoryBlobStore();
        store.put("backups/fuzz/part_0001.tar", out -> out.write(stored));
        Repository repo = new Repository(store, new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null,
                Providers.codecs()));
        Map<String, Long> sizes = Map.of("base/1/16384", 16384L, "base/1/16385", 24576L, "PG_VERSION", 3L);
        BlockWriter writer = path -> {
            if (!Set.of("base/1/16384", "base/1/16385", "PG_VERSION").contains(path)) {
                throw new AssertionError("opened '" + path + "', which the manifest does not list");
            }
            long limit = sizes.get(path);
            return new BlockWriter.Target() {
                @Override
                public void write(long position, byte[] bytes, int offset, int length) {
                    if (position < 0 || length < 0 || position + length > limit) {
                        throw new AssertionError("wrote " + length + " bytes at " + position + " into '" + path
                                + "' of length " + limit);
                    }
                }

                @Override
                public void close() {
                }
            };
        };
        FileAssembler assembler = new FileAssembler(sizes, 8192, writer);
        BackupManifest.Part part = new BackupManifest.Part("part_0001.tar", stored.length, sha256(stored), stored.length, 3);
        try {
            new PartExtractor(repo, "backups/fuzz/", EXPECTED, assembler).extract(part);
            assembler.finish();
        } catch (WalKeeperException | IOException refused) {
            // a corrupt or hostile part is refused, naming it
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
