package io.walkeeper.crypto;

import java.util.Collection;
import java.util.Locale;
import java.util.stream.Collectors;

/** Formats OpenPGP key ids as GnuPG shows them with {@code --keyid-format long}. */
final class KeyIds {

    private KeyIds() {
    }

    /** Returns the 16 hexadecimal digits of {@code keyId}, upper case. */
    static String format(long keyId) {
        return String.format(Locale.ROOT, "%016X", keyId);
    }

    /** Returns the ids as a comma-separated list. */
    static String format(Collection<Long> keyIds) {
        return keyIds.stream().map(KeyIds::format).collect(Collectors.joining(", "));
    }
}
