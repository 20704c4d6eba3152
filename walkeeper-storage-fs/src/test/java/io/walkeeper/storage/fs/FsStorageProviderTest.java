package io.walkeeper.storage.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.StorageProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsStorageProviderTest {

    @TempDir
    Path tempDir;

    @Test
    void isFoundByServiceLoaderForFileScheme() {
        List<StorageProvider> providers = ServiceLoader.load(StorageProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.schemes().contains("file"))
                .collect(Collectors.toList());
        assertEquals(1, providers.size());
        assertInstanceOf(FsStorageProvider.class, providers.get(0));
        assertEquals(Set.of("file"), providers.get(0).schemes());
    }

    @Test
    void opensAbsoluteFileUris() throws Exception {
        Path dir = tempDir.resolve("my repo");
        try (BlobStore store = new FsStorageProvider().open(dir.toUri(), Map.of("storage.retry.max-attempts", "2"))) {
            store.put("k", out -> out.write(1));
        }
        assertTrue(Files.isRegularFile(dir.resolve("k")));
        assertEquals(dir, FsStorageProvider.toPath(URI.create("file://" + dir.toUri().getRawPath())));
        assertEquals(dir, FsStorageProvider.toPath(URI.create("file:" + dir.toUri().getRawPath())));
        assertEquals(dir, FsStorageProvider.toPath(URI.create("file://localhost" + dir.toUri().getRawPath())));
        assertEquals(Path.of("/var/backups/pg"), FsStorageProvider.toPath(URI.create("file:///var/backups/pg")));
    }

    @Test
    void rejectsWhatIsNotAnAbsoluteLocalPath() {
        FsStorageProvider provider = new FsStorageProvider();
        for (String uri : List.of("file:relative/repo", "file://nas/share/repo", "s3://bucket/prefix",
                "file:///x?query", "file:///x#fragment")) {
            assertThrows(ConfigurationException.class, () -> provider.open(URI.create(uri), Map.of()), uri);
        }
        URI ok = tempDir.toUri();
        for (String key : List.of("file.sync", "fs.sync", "s3.region")) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> provider.open(ok, Map.of(key, "false")), key);
            assertTrue(e.getMessage().contains(key) && e.getMessage().contains("takes no settings"), e.getMessage());
        }
        assertEquals("file.", provider.settingsPrefix(), "the namespace the command-line tool maps file keys from");
        provider.open(ok, Map.of("storage.retry.max-attempts", "3")).close();
    }
}
