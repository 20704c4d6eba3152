package io.walkeeper.core.repo;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Manifests as the repository stores them: {@code full-manifest.json} and
 * {@code delta-manifest.json} were written by the release that introduced them and must read
 * back, and write again, unchanged (same fields, same value formats, same absences), so that
 * every release reads every other release's manifests.
 */
class ManifestGoldenTest {

    static byte[] golden(String name) {
        try (InputStream in = ManifestGoldenTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BackupManifest read(String name) throws IOException {
        return Json.MAPPER.readValue(golden(name), BackupManifest.class).validate("backups/" + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"full-manifest.json", "delta-manifest.json"})
    void aStoredManifestWritesBackAsItWasRead(String name) throws IOException {
        byte[] stored = golden(name);
        byte[] written = Json.MAPPER.writeValueAsBytes(read(name));
        JsonNode expected = Json.MAPPER.readTree(stored);
        assertEquals(expected, Json.MAPPER.readTree(written));
        assertEquals(new String(stored, StandardCharsets.UTF_8), new String(written, StandardCharsets.UTF_8),
                "the same text, field order included");
    }
}
