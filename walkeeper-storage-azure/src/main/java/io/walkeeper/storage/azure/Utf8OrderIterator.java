package io.walkeeper.storage.azure;

import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.ComputingIterator;
import io.walkeeper.spi.BlobKeys;
import java.util.Comparator;
import java.util.Iterator;
import java.util.PriorityQueue;

/**
 * Puts a listing that arrives in UTF-16 order (how Azure, and Azurite, sort blob names) into the
 * UTF-8 byte order that {@link io.walkeeper.spi.BlobStore#list} promises, lazily. The two orders
 * differ only where one name has a supplementary character (a surrogate pair) and the other a
 * character U+E000..U+FFFF at the first position where they differ: UTF-16 puts the surrogate
 * first, UTF-8 last. So a name is held back only while it has a surrogate and the source is still
 * inside the block of names that share everything before its first surrogate; names without
 * surrogates pass straight through when nothing is held. Also correct if the source is already in
 * UTF-8 order.
 */
final class Utf8OrderIterator extends ComputingIterator<BlobInfo> {

    /** Orders keys by Unicode code point, which is the order of their UTF-8 bytes. */
    static final Comparator<String> UTF8_ORDER = BlobKeys::compareUtf8;

    private final Iterator<BlobInfo> source;
    private final PriorityQueue<BlobInfo> held = new PriorityQueue<>((a, b) -> BlobKeys.compareUtf8(a.key(), b.key()));
    private String last;

    Utf8OrderIterator(Iterator<BlobInfo> source) {
        this.source = source;
    }


    @Override
    protected BlobInfo computeNext() {
        while (true) {
            if (!held.isEmpty() && isSafe(held.peek().key())) {
                return held.poll();
            }
            if (!source.hasNext()) {
                return held.poll();
            }
            BlobInfo item = source.next();
            last = item.key();
            if (held.isEmpty() && firstSurrogate(item.key()) < 0) {
                return item;
            }
            held.add(item);
        }
    }

    /**
     * Tells whether no name still to come from the source can sort before {@code key} in UTF-8
     * order: it has no surrogate, or the source has left the names sharing what precedes its first one.
     */
    private boolean isSafe(String key) {
        int s = firstSurrogate(key);
        return s < 0 || !last.regionMatches(0, key, 0, s);
    }

    private static int firstSurrogate(String key) {
        for (int i = 0; i < key.length(); i++) {
            if (Character.isSurrogate(key.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
