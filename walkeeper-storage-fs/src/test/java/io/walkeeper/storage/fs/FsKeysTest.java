package io.walkeeper.storage.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.InvalidRequestException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FsKeysTest {
    private final Path root = Path.of("/repo");

    @Test
    void asciiKeysAreFileNamesAsTheyAre() {
        assertEquals(Path.of("/repo/wal/000000010000000000000001.zst"),
                FsKeys.toPath(root, "wal/000000010000000000000001.zst"));
        assertEquals("-_.~!$&'()*+,;=:@ ", FsKeys.encode("-_.~!$&'()*+,;=:@ "));
    }

    @Test
    void escapesPercentControlAndNonAscii() {
        assertEquals("a%25b", FsKeys.encode("a%b"));
        assertEquals("%C3%BC", FsKeys.encode("\u00fc"));
        assertEquals("x%F0%9F%98%80y", FsKeys.encode("x\uD83D\uDE00y"));
        assertEquals("tab%09%7F", FsKeys.encode("tab\t\u007f"));
        for (String segment : List.of("plain", "a%b", "\u00fc\u65e5\uD83D\uDE00", "%25", "tab\t", " ")) {
            assertEquals(segment, FsKeys.decode(FsKeys.encode(segment)), segment);
        }
    }

    @Test
    void namesThatNoKeyEncodesToAreNotKeys() {
        assertNull(FsKeys.decode("\u00fc"));
        assertNull(FsKeys.decode("a%zz"));
        assertNull(FsKeys.decode("a%2"));
        assertNull(FsKeys.decode("%41"));
        assertNull(FsKeys.decode("%C3"));
    }

    @Test
    void recognisesTemporaryFiles() {
        String temp = FsKeys.tempName("000000010000000000000001.zst");
        assertTrue(FsKeys.isTempName(temp), temp);
        assertTrue(temp.startsWith(".000000010000000000000001.zst.tmp-"), temp);
        assertTrue(FsKeys.isTempName(FsKeys.tempName("x".repeat(300))));
        assertTrue(FsKeys.tempName("x".repeat(300)).length() < 60);
        assertFalse(FsKeys.isTempName(".hidden"));
        assertFalse(FsKeys.isTempName("a.tmp-0123456789abcdef"));
        assertThrows(InvalidRequestException.class, () -> FsKeys.toPath(root, "wal/.x.tmp-0123456789abcdef"));
    }

    @Test
    void rejectsMalformedKeysAndPrefixes() {
        for (String bad : List.of("", "/a", "a//b", "a/", "a/./b", "../a", "a/..", "a\\b", "a\0b", "a\uDC00")) {
            assertThrows(InvalidRequestException.class, () -> FsKeys.toPath(root, bad), bad);
        }
        assertEquals(root, FsKeys.directoryOfPrefix(root, ""));
        assertEquals(root, FsKeys.directoryOfPrefix(root, "wa"));
        assertEquals(Path.of("/repo/wal"), FsKeys.directoryOfPrefix(root, "wal/0000"));
        assertEquals(Path.of("/repo/wal"), FsKeys.directoryOfPrefix(root, "wal/"));
        for (String bad : List.of("/a", "a//", "../x", "a/../", "a\\")) {
            assertThrows(InvalidRequestException.class, () -> FsKeys.directoryOfPrefix(root, bad), bad);
        }
    }
}
