package io.walkeeper.core.pg;

import io.walkeeper.api.Lsn;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Whether the summary files on record cover a delta's LSN range without a gap. */
class WalSummariesTest {
    private static Lsn[] range(long start, long end) {
        return new Lsn[] {new Lsn(start), new Lsn(end)};
    }

    @Test
    void adjacentSummariesCoverTheirJoinedRange() {
        assertEquals(new Lsn(300), WalSummaries.coveredFrom(new Lsn(100),
                List.of(range(50, 120), range(120, 200), range(200, 300))));
    }

    @Test
    void overlappingSummariesCoverToTheFurthestEnd() {
        assertEquals(new Lsn(260), WalSummaries.coveredFrom(new Lsn(100),
                List.of(range(100, 200), range(150, 180), range(180, 260))));
    }

    @Test
    void aGapStopsTheCoverageAtItsStart() {
        assertEquals(new Lsn(200), WalSummaries.coveredFrom(new Lsn(100),
                List.of(range(90, 200), range(210, 400))));
    }

    @Test
    void summariesStartingAfterTheRangeCoverNothing() {
        assertEquals(new Lsn(100), WalSummaries.coveredFrom(new Lsn(100), List.<Lsn[]>of(range(101, 400))));
        assertEquals(new Lsn(100), WalSummaries.coveredFrom(new Lsn(100), List.of()));
    }
}
