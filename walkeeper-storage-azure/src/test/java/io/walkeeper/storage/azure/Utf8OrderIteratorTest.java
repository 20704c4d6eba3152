package io.walkeeper.storage.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walkeeper.spi.BlobInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link Utf8OrderIterator}: UTF-16 ordered listings come out in UTF-8 byte order. */
class Utf8OrderIteratorTest {
    private static final String[] ALPHABET = {"a", "b", "/", "\uFF21", "\uE000", "\uD83D\uDE00", "\uD800\uDC00", "~"};

    @Test
    void reordersSupplementaryCharactersAfterTheEndOfTheBasicPlane() {
        List<String> utf16 = List.of("order/a", "order/\uD83D\uDE00", "order/\uFF21", "order/\uFF21x", "z");
        assertEquals(List.of("order/a", "order/\uFF21", "order/\uFF21x", "order/\uD83D\uDE00", "z"), run(utf16));
    }

    @Test
    void randomListingsInEitherOrderComeOutInUtf8Order() {
        SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 500; round++) {
            TreeSet<String> keys = new TreeSet<>();
            int count = random.nextInt(40);
            while (keys.size() < count) {
                StringBuilder key = new StringBuilder();
                int length = 1 + random.nextInt(5);
                for (int i = 0; i < length; i++) {
                    key.append(ALPHABET[random.nextInt(ALPHABET.length)]);
                }
                keys.add(key.toString());
            }
            List<String> utf8 = keys.stream().sorted(Utf8OrderIterator.UTF8_ORDER).toList();
            List<String> utf16 = keys.stream().sorted(Comparator.naturalOrder()).toList();
            assertEquals(utf8, run(utf16), "from UTF-16 order: " + utf16);
            assertEquals(utf8, run(utf8), "from UTF-8 order: " + utf8);
        }
    }

    @Test
    void asciiKeysStreamWithoutBeingHeld() {
        List<String> keys = List.of("a", "b", "c");
        Iterator<BlobInfo> source = infos(keys).iterator();
        int[] pulled = {0};
        Iterator<BlobInfo> counting = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return source.hasNext();
            }

            @Override
            public BlobInfo next() {
                pulled[0]++;
                return source.next();
            }
        };
        Utf8OrderIterator it = new Utf8OrderIterator(counting);
        assertEquals("a", it.next().key());
        assertEquals(1, pulled[0], "the first key is returned before the second is fetched");
    }

    private static List<String> run(List<String> keys) {
        List<String> out = new ArrayList<>();
        new Utf8OrderIterator(infos(keys).iterator()).forEachRemaining(i -> out.add(i.key()));
        return out;
    }

    private static List<BlobInfo> infos(List<String> keys) {
        return keys.stream().map(k -> new BlobInfo(k, 0, Instant.EPOCH)).toList();
    }
}
