package io.walkeeper.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

class LsnPropertiesTest {

    @Test
    void printingThenParsingGivesTheSameLsn() {
        qt().forAll(longs().all()).checkAssert(v -> assertEquals(new Lsn(v), Lsn.parse(new Lsn(v).toString())));
    }

    @Test
    void parsingAcceptsZeroPaddedLowHalfAsPostgres18PrintsIt() {
        qt().forAll(longs().all()).checkAssert(v -> {
            String padded = String.format("%X/%08X", v >>> 32, v & 0xFFFFFFFFL);
            assertEquals(new Lsn(v), Lsn.parse(padded));
        });
    }

    @Test
    void orderingIsUnsigned() {
        qt().forAll(longs().all(), longs().all()).checkAssert((a, b) ->
                assertEquals(Integer.signum(Long.compareUnsigned(a, b)), Integer.signum(new Lsn(a).compareTo(new Lsn(b)))));
    }

    @Test
    void knownValues() {
        assertEquals("16/B374D848", Lsn.parse("16/B374D848").toString());
        assertEquals((0x16L << 32) | 0xB374D848L, Lsn.parse("16/b374d848").value());
        assertEquals("0/0", Lsn.ZERO.toString());
        assertEquals("FFFFFFFF/FFFFFFFF", new Lsn(-1).toString());
    }

    @Test
    void malformedTextIsRefusedWithTheText() {
        for (String bad : new String[] {"", "16", "16/", "/1", "G/1", "123456789/0", "1/2/3", "1 /2"}) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> Lsn.parse(bad));
            assertEquals(ErrorCode.INVALID_REQUEST, e.errorCode());
        }
    }

    @Test
    void segmentArithmeticForEveryLegalSegmentSize() {
        // every power of two from 1 MiB to 1 GiB
        qt().forAll(integers().between(20, 30), longs().between(0, Long.MAX_VALUE), integers().between(1, 0x7FFFFFFF))
                .checkAssert((shift, value, tli) -> {
                    long segSize = 1L << shift;
                    Lsn lsn = new Lsn(value);
                    TimelineId timeline = new TimelineId(tli);
                    WalSegmentName seg = WalSegmentName.containing(timeline, lsn, segSize);
                    // the segment holds the LSN
                    assertEquals(value / segSize, seg.segmentNumber());
                    assertEquals(value - seg.startLsn().value(), lsn.segmentOffset(segSize));
                    // the name round-trips
                    assertEquals(seg, WalSegmentName.parse(seg.toString(), segSize));
                    // the name's parts are XLogFileName's
                    long perId = 0x1_0000_0000L / segSize;
                    String expected = String.format("%08X%08X%08X", tli, (value / segSize) / perId, (value / segSize) % perId);
                    assertEquals(expected, seg.toString());
                    // the next segment starts where this one ends
                    assertEquals(seg.startLsn().value() + segSize, seg.next().startLsn().value());
                });
    }

    @Test
    void boundaryLsnBelongsToThePreviousSegmentForStopPositions() {
        qt().forAll(integers().between(20, 30), longs().between(1, 1L << 32)).checkAssert((shift, n) -> {
            long segSize = 1L << shift;
            Lsn boundary = new Lsn(n * segSize);
            assertEquals(n, boundary.segmentNumber(segSize));
            assertEquals(n - 1, boundary.previousSegmentNumber(segSize));
            assertEquals(n, boundary.plus(1).previousSegmentNumber(segSize));
        });
    }

    @Test
    void documentedExamples() {
        long mb16 = 16L << 20;
        assertEquals("000000010000000000000012", WalSegmentName.containing(TimelineId.FIRST, Lsn.parse("0/12345678"), mb16).toString());
        assertEquals("000000010000000000000123", WalSegmentName.containing(TimelineId.FIRST, Lsn.parse("0/12345678"), 1L << 20).toString());
        assertEquals("000000010000000100000000", WalSegmentName.containing(TimelineId.FIRST, Lsn.parse("1/0"), mb16).toString());
        assertEquals("0000000100000000000000FF", WalSegmentName.containing(TimelineId.FIRST, Lsn.parse("0/FFFFFFFF"), mb16).toString());
        assertEquals(3, WalSegmentName.parse("000000010000000000000003", 1L << 30).segmentNumber());
    }

    @Test
    void impossibleNamesAndSizesAreRefused() {
        assertThrows(InvalidRequestException.class, () -> WalSegmentName.parse("000000010000000000000100", 16L << 20));
        assertThrows(InvalidRequestException.class, () -> WalSegmentName.parse("000000010000000000000004", 1L << 30));
        assertThrows(InvalidRequestException.class, () -> WalSegmentName.parse("00000001000000000000000g", 16L << 20));
        assertThrows(InvalidRequestException.class, () -> WalSegmentName.parse("00000001000000000000001", 16L << 20));
        assertThrows(InvalidRequestException.class, () -> new WalSegmentName(TimelineId.FIRST, 0, 3L << 20));
        assertThrows(InvalidRequestException.class, () -> new WalSegmentName(TimelineId.FIRST, 0, 1L << 19));
        assertThrows(InvalidRequestException.class, () -> new WalSegmentName(TimelineId.FIRST, 0, 1L << 31));
    }
}
