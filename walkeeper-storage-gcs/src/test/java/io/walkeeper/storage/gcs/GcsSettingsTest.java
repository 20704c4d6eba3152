package io.walkeeper.storage.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.ConfigurationException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GcsSettingsTest {

    @Test
    void aSettingOfAnotherStoreIsRefused() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> GcsSettings.parse(Map.of("s3.sse", "aws:kms")));
        assertTrue(e.getMessage().contains("s3.sse"), e.getMessage());
    }

    @Test
    void defaults() {
        GcsSettings d = GcsSettings.parse(Map.of("storage.retry.max-attempts", "3"));
        assertEquals(Optional.empty(), d.credentialsFile());
        assertEquals(Optional.empty(), d.projectId());
        assertEquals(Optional.empty(), d.endpoint());
        assertEquals(16 << 20, d.chunkSize());
        assertEquals(GcsSettings.CHUNK_SIZE_DEFAULT, GcsSettings.defaults().chunkSize());
    }

    @Test
    void parsesEveryKey() {
        GcsSettings s = GcsSettings.parse(Map.of(
                GcsSettings.CREDENTIALS_FILE, "/etc/walkeeper/gcs-key.json",
                GcsSettings.PROJECT_ID, "my-project",
                GcsSettings.ENDPOINT, "https://storage-psc.p.googleapis.com/",
                GcsSettings.CHUNK_SIZE, "8MiB"));
        assertEquals(Optional.of(Path.of("/etc/walkeeper/gcs-key.json")), s.credentialsFile());
        assertEquals(Optional.of("my-project"), s.projectId());
        assertEquals(Optional.of("https://storage-psc.p.googleapis.com"), s.endpoint());
        assertEquals(8 << 20, s.chunkSize());
        assertEquals(256 << 10, GcsSettings.parse(Map.of(GcsSettings.CHUNK_SIZE, "262144")).chunkSize());
        assertEquals(512 << 10, GcsSettings.parse(Map.of(GcsSettings.CHUNK_SIZE, "512 KiB")).chunkSize());
        assertEquals(Optional.of("http://127.0.0.1:4443"),
                GcsSettings.parse(Map.of(GcsSettings.ENDPOINT, "http://127.0.0.1:4443")).endpoint());
        assertEquals(Optional.empty(), GcsSettings.parse(Map.of(GcsSettings.PROJECT_ID, " ")).projectId());
    }

    @Test
    void rejectsUnknownKeysNamingThem() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> GcsSettings.parse(Map.of("gcs.credentials", "x", "gcs.chunk-size", "1MiB")));
        assertTrue(e.getMessage().contains("gcs.credentials") && e.getMessage().contains(GcsSettings.CREDENTIALS_FILE),
                e.getMessage());
    }

    @Test
    void rejectsMalformedValuesNamingTheKey() {
        // sizes are read as every size setting is: K, M, G with or without B or iB, powers of 1024
        assertEquals(16 << 20, GcsSettings.parse(Map.of(GcsSettings.CHUNK_SIZE, "16MB")).chunkSize());
        for (String bad : List.of("0", "-1", "100", "1000000", "2GiB", "16XB", "x", "1.5MiB", "300KiB")) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> GcsSettings.parse(Map.of(GcsSettings.CHUNK_SIZE, bad)), bad);
            assertTrue(e.getMessage().contains(GcsSettings.CHUNK_SIZE), e.getMessage());
        }
        for (String bad : List.of("storage.googleapis.com", "ftp://host", "https://host/path", "https://host?x=1",
                "https://user@host", "https://")) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> GcsSettings.parse(Map.of(GcsSettings.ENDPOINT, bad)), bad);
            assertTrue(e.getMessage().contains(GcsSettings.ENDPOINT), e.getMessage());
        }
        assertThrows(ConfigurationException.class, () -> GcsSettings.parse(Map.of(GcsSettings.CREDENTIALS_FILE, "a\0b")));
    }
}
