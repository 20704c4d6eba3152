package io.walkeeper.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.walkeeper.api.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BlobKeyRulesTest {

    @Test
    void orderMatchesUtf8ByteOrder() {
        SplittableRandom random = new SplittableRandom(1);
        int[] pool = {'a', 'z', '/', '-', '.', 0x7F, 0xE4, 0x3B1, 0x65E5, 0xD7FF, 0xE000, 0xFF21, 0xFFFD, 0x1F600, 0x10FFFF};
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            StringBuilder key = new StringBuilder();
            int length = 1 + random.nextInt(5);
            for (int j = 0; j < length; j++) {
                key.appendCodePoint(pool[random.nextInt(pool.length)]);
            }
            keys.add(key.toString());
        }
        List<String> byComparator = new ArrayList<>(keys);
        byComparator.sort(BlobKeyRules.UTF8_ORDER);
        List<String> byBytes = new ArrayList<>(keys);
        byBytes.sort((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        assertEquals(byBytes, byComparator);
    }

    @Test
    void checksKeysAndPrefixes() {
        BlobKeyRules.checkKey("wal/000000010000000000000001.zst");
        BlobKeyRules.checkKey(".hidden/...");
        BlobKeyRules.checkPrefix("");
        BlobKeyRules.checkPrefix("wal/");
        BlobKeyRules.checkPrefix("wal/.");
        for (String bad : List.of("", "/a", "a//b", "a/", "a/./b", "..", "a\\b", "a\0b", "a\uD800b")) {
            assertThrows(InvalidRequestException.class, () -> BlobKeyRules.checkKey(bad), bad);
        }
        for (String bad : List.of("/a", "a//", "../", "a/../b", "a\\")) {
            assertThrows(InvalidRequestException.class, () -> BlobKeyRules.checkPrefix(bad), bad);
        }
    }
}
