package io.walkeeper.storage.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.InvalidRequestException;
import java.util.List;
import org.junit.jupiter.api.Test;

class GcsKeysTest {
    private final GcsLocation where = new GcsLocation("b12", "pg/");

    @Test
    void keysBecomePrefixedObjectNames() {
        assertEquals("pg/wal/000000010000000000000001.zst", GcsKeys.objectName(where, "wal/000000010000000000000001.zst"));
        assertEquals("pg/\u00fc \uD83D\uDE00/.hidden", GcsKeys.objectName(where, "\u00fc \uD83D\uDE00/.hidden"));
    }

    @Test
    void rejectsKeysTheSpiOrTheServiceRefuses() {
        for (String bad : List.of("", "/a", "a//b", "a/", "./a", "a/./b", "../a", "a/..", "a\\b", "a\0b", "a\uDC00",
                "a\nb", "a\rb")) {
            assertThrows(InvalidRequestException.class, () -> GcsKeys.objectName(where, bad), bad);
        }
        assertEquals(1024, GcsKeys.objectName(where, "k".repeat(1021)).length());
        assertThrows(InvalidRequestException.class, () -> GcsKeys.objectName(where, "k".repeat(1022)));
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> GcsKeys.objectName(where, "\u00fc".repeat(511)));
        assertTrue(e.getMessage().contains("1025 UTF-8 bytes"), e.getMessage());
    }

    @Test
    void prefixesMayEndPartwayOrAtASlash() {
        for (String ok : List.of("", "wa", "wal/", "wal/0001", "a/b/")) {
            assertEquals(ok, GcsKeys.checkPrefix(ok));
        }
        for (String bad : List.of("/a", "a//", "../x", "a/../", "a\\", "a\n")) {
            assertThrows(InvalidRequestException.class, () -> GcsKeys.checkPrefix(bad), bad);
        }
    }
}
