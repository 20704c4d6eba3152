package io.walkeeper.cli;

import java.util.Locale;

/** Formats byte counts for people. */
final class ByteSizes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private ByteSizes() {
    }

    /**
     * Formats a size with a binary unit.
     *
     * @param bytes the size
     * @return e.g. {@code 512 B}, {@code 22.4 MiB}
     */
    static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int unit = 0;
        while (v >= 1024 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, UNITS[unit]);
    }
}
