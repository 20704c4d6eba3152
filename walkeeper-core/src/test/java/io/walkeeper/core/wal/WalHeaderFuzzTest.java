package io.walkeeper.core.wal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.testkit.InMemoryBlobStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The WAL segment header check and the archiver behind it, on arbitrary bytes under an arbitrary
 * WAL file name: whatever PostgreSQL or a damaged disk hands to archive_command, the only outcomes
 * are a stored object or one of walkeeper's own exceptions, never another exception.
 */
class WalHeaderFuzzTest {
    private static final Path DIR = tempDir();

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("wal-header-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void briefly(FuzzedDataProvider data) throws IOException {
        theHeaderCheckAndThePushFailOnlyWithWalkeeperExceptions(data);
    }


    static void theHeaderCheckAndThePushFailOnlyWithWalkeeperExceptions(FuzzedDataProvider data) throws IOException {
        boolean segmentName = data.consumeBoolean();
        String name = segmentName ? String.format("%08X%08X%08X", data.consumeInt(1, 3), data.consumeInt(0, 2),
                data.consumeInt(0, 255)) : data.consumeString(40);
        byte[] content = data.consumeRemainingAsBytes();
        try {
            WalSegmentHeader header = WalSegmentHeader.parse(java.util.Arrays.copyOf(content, WalSegmentHeader.SIZE));
            header.problemWith(name, content.length);
            header.knownMagic();
        } catch (WalKeeperException expected) {
            // a refusal is fine
        }
        if (name.isEmpty() || name.contains("/") || name.contains("\0") || name.equals(".") || name.equals("..")) {
            return; // not a file name: PostgreSQL's %p always names a file in pg_wal
        }
        Path file = Files.createDirectories(DIR.resolve("pg_wal")).resolve(name);
        Files.write(file, content);
        try {
            new DefaultWalArchiver(new Repository(new InMemoryBlobStore(),
                    new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null, Providers.codecs()))).push(file);
        } catch (WalKeeperException expected) {
            // refused as not a WAL file of this name, or of another cluster
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
