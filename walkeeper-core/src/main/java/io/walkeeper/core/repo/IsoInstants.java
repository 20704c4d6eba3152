package io.walkeeper.core.repo;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads and writes the times of a manifest exactly as {@link Instant#parse} and
 * {@link Instant#toString()} do, without their general-purpose formatter, which a manifest of a
 * million files calls millions of times (a third of a delta backup's processor time went there).
 * The common form, {@code 2026-12-07T08:00:00.123456789Z} with a year from 1970 to 9999 and a
 * fraction of 0 to 9 digits, is handled here; anything else (another year, a leap second, an
 * offset) goes to {@link Instant} itself, so both the values and the errors are the same.
 */
final class IsoInstants {
    /** 10000-01-01T00:00:00Z: from there on, {@link Instant#toString()} writes a sign before the year. */
    private static final long YEAR_10000 = 253_402_300_800L;

    private IsoInstants() {
    }

    /**
     * Formats as {@link Instant#toString()}.
     *
     * @param t the time
     * @return the text
     */
    static String format(Instant t) {
        long seconds = t.getEpochSecond();
        if (seconds < 0 || seconds >= YEAR_10000) {
            return t.toString();
        }
        LocalDate date = LocalDate.ofEpochDay(seconds / 86_400);
        int ofDay = (int) (seconds % 86_400);
        int nano = t.getNano();
        char[] out = new char[30];
        digits(out, 0, date.getYear(), 4);
        out[4] = '-';
        digits(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        digits(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        digits(out, 11, ofDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, ofDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, ofDay % 60, 2);
        int end = 19;
        if (nano != 0) {
            out[end++] = '.';
            // as many digits as needed, in groups of three
            if (nano % 1_000_000 == 0) {
                digits(out, end, nano / 1_000_000, 3);
                end += 3;
            } else if (nano % 1000 == 0) {
                digits(out, end, nano / 1000, 6);
                end += 6;
            } else {
                digits(out, end, nano, 9);
                end += 9;
            }
        }
        out[end++] = 'Z';
        return new String(out, 0, end);
    }

    /**
     * Parses as {@link Instant#parse}.
     *
     * @param text the text
     * @return the time
     * @throws java.time.format.DateTimeParseException if it is not an ISO 8601 instant
     */
    static Instant parse(String text) {
        int n = text.length();
        if (n < 20 || n > 30 || text.charAt(n - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return Instant.parse(text);
        }
        int year = number(text, 0, 4);
        int month = number(text, 5, 2);
        int day = number(text, 8, 2);
        int hour = number(text, 11, 2);
        int minute = number(text, 14, 2);
        int second = number(text, 17, 2);
        int nano = 0;
        if (n > 20) {
            int digits = n - 21;
            if (text.charAt(19) != '.' || digits == 0) {
                return Instant.parse(text);
            }
            nano = number(text, 20, digits);
            for (int i = digits; i < 9 && nano >= 0; i++) {
                nano *= 10;
            }
        }
        if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59 || nano < 0
                || day > LocalDate.of(year, month, 1).lengthOfMonth()) {
            return Instant.parse(text);
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3600 + minute * 60 + second, nano);
    }

    /** The decimal number of {@code length} digits at {@code from}, or -1 if a character is not a digit. */
    private static int number(String text, int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
