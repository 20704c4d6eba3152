package io.walkeeper.core.repo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.DateTimeException;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** The manifest's own time format writes and reads exactly as {@link Instant} does. */
class IsoInstantsTest {

    @Test
    void writesAndReadsEveryInstantAsInstantDoes() {
        qt().withExamples(200_000)
                .forAll(longs().between(-100_000_000_000L, 300_000_000_000L), integers().between(0, 999_999_999),
                        integers().between(0, 2))
                .checkAssert((seconds, nano, round) -> {
                    // whole milliseconds and microseconds are common, and written shorter
                    int n = round == 0 ? nano : round == 1 ? nano / 1000 * 1000 : nano / 1_000_000 * 1_000_000;
                    Instant t = Instant.ofEpochSecond(seconds, n);
                    String text = IsoInstants.format(t);
                    assertEquals(t.toString(), text);
                    assertEquals(t, IsoInstants.parse(text));
                });
    }

    @Test
    void readsFractionsOfAnyLengthAsInstantDoes() {
        qt().withExamples(50_000)
                .forAll(longs().between(0, 253_402_300_799L), integers().between(0, 9), integers().between(0, 999_999_999))
                .checkAssert((seconds, digits, fraction) -> {
                    String base = Instant.ofEpochSecond(seconds).toString();
                    String text = digits == 0 ? base
                            : base.substring(0, 19) + "." + String.format("%09d", fraction).substring(0, digits) + "Z";
                    assertEquals(Instant.parse(text), IsoInstants.parse(text), text);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-07T08:00:00+01:00", "2026-12-07t08:00:00z", "1969-12-31T23:59:59Z",
        "+10000-01-01T00:00:00Z", "2016-12-31T23:59:60Z", "2026-12-07T08:00:00.Z", "2026-12-07T24:00:00Z"})
    void leavesOtherFormsToInstant(String text) {
        Instant expected;
        try {
            expected = Instant.parse(text);
        } catch (DateTimeException e) {
            assertThrows(DateTimeException.class, () -> IsoInstants.parse(text), text);
            return;
        }
        assertEquals(expected, IsoInstants.parse(text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-30T08:00:00Z", "2026-13-01T08:00:00Z", "2026-12-07T25:00:00Z", "2026-12-07T08:-1:00Z",
        "2026-12-07T08:00:00.1234567890Z", "2026-12-07T08:00:0xZ", "2026-12-07 08:00:00Z", "yesterday", ""})
    void refusesWhatInstantRefuses(String text) {
        assertThrows(DateTimeException.class, () -> Instant.parse(text), "the oracle refuses " + text);
        assertThrows(DateTimeException.class, () -> IsoInstants.parse(text), text);
    }
}
