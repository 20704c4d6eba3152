package io.walkeeper.core.drill;

import io.walkeeper.api.DrillCheck;
import io.walkeeper.api.DrillReport;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drill reports as JSON and in the repository: every field round-trips, and the newest report of each backup wins. */
class DrillReportsTest {
    private static DrillReport passed(String backup, Instant at) {
        return new DrillReport(backup, "latest", at, null, "15.10", Duration.ofMillis(1200), Duration.ofMillis(2100),
                Duration.ofMillis(3400), Duration.ofMillis(5000), Lsn.parse("0/5000148"), TimelineId.FIRST,
                Instant.parse("2026-12-06T19:50:01.123456Z"), 4,
                List.of(new DrillCheck("recovery", DrillCheck.Status.PASSED, "consistent", Duration.ofMillis(3400)),
                        new DrillCheck("pg_amcheck", DrillCheck.Status.SKIPPED, "not asked for", Duration.ZERO)));
    }

    private static DrillReport failed(String backup, Instant at) {
        return new DrillReport(backup, "{recovery_target=immediate}", at, "WAL segment 000000010000000000000002 is missing",
                null, Duration.ofMillis(900), null, null, Duration.ofMillis(1500), null, null, null, 0,
                List.of(new DrillCheck("recovery", DrillCheck.Status.FAILED, "line one\nline two", Duration.ofMillis(600))));
    }

    @Test
    void everyFieldRoundTripsThroughJson() {
        for (DrillReport r : List.of(passed("base_1", Instant.parse("2026-12-06T19:50:00.5Z")),
                failed("base_2", Instant.parse("2026-12-06T19:51:00Z")))) {
            String json = DrillReports.toJson(r);
            assertEquals(r, DrillReports.fromJson(json), json);
        }
        String json = DrillReports.toJson(passed("base_1", Instant.parse("2026-12-06T19:50:00Z")));
        for (String field : List.of("\"status\" : \"PASSED\"", "\"timeToPromotionMillis\" : 3400", "\"recoveredLsn\" : \"0/5000148\"",
                "\"recoveredTimeline\" : 1", "\"walSegmentsRestored\" : 4", "\"checks\"")) {
            assertTrue(json.contains(field), field + " in " + json);
        }
    }

    @Test
    void aReportThatDoesNotParseIsAnIntegrityProblem() {
        assertThrows(IntegrityException.class, () -> DrillReports.fromJson("{\"backup\": 1"));
        assertThrows(IntegrityException.class, () -> DrillReports.fromJson("{\"recoveryTarget\": \"latest\"}"));
    }

    @Test
    void theNewestReportOfEachBackupIsTheLast() {
        InMemoryBlobStore store = new InMemoryBlobStore();
        DrillReports reports = new DrillReports(new Repository(store,
                new ObjectFormat(Providers.codec("lz4"), null, null, Providers.codecs())));
        assertTrue(reports.last().isEmpty());
        reports.store(passed("base_1", Instant.parse("2026-12-06T19:50:00Z")));
        String key = reports.store(failed("base_1", Instant.parse("2026-12-07T08:00:00Z")));
        reports.store(passed("base_2", Instant.parse("2026-12-06T09:00:00Z")));
        assertEquals("drills/base_1/20261207T080000000Z.json", key);
        Map<String, DrillReport> last = reports.last();
        assertEquals(List.of("base_1", "base_2"), List.copyOf(last.keySet()));
        assertFalse(last.get("base_1").ok());
        assertTrue(last.get("base_2").ok());
    }

    @Test
    void theServerLogTellsConsistencyRestoredSegmentsAndProblems() {
        String log = """
                2026-12-06 19:50:00.100 UTC [42] LOG:  starting archive recovery
                2026-12-06 19:50:00.200 UTC [42] LOG:  restored log file "000000010000000000000002" from archive
                2026-12-06 19:50:00.250 UTC [42] LOG:  restored log file "00000002.history" from archive
                2026-12-06 19:50:00.260 UTC [44] FATAL:  the database system is starting up
                2026-12-06 19:50:00.300 UTC [42] LOG:  consistent recovery state reached at 0/2000138
                2026-12-06 19:50:00.400 UTC [42] LOG:  restored log file "000000010000000000000003" from archive
                ERROR: WAL file 000000010000000000000004 is not in the archive
                2026-12-06 19:50:00.500 UTC [42] FATAL:  WAL ends before consistent recovery point
                2026-12-06 19:50:00.600 UTC [40] LOG:  startup process (PID 42) exited with exit code 1
                """;
        assertEquals(Instant.parse("2026-12-06T19:50:00.300Z"), DrillServer.consistentAt(log));
        assertEquals(List.of("000000010000000000000002", "000000010000000000000003"), DrillServer.restoredSegments(log));
        assertEquals(List.of("ERROR: WAL file 000000010000000000000004 is not in the archive",
                "FATAL:  WAL ends before consistent recovery point"), DrillServer.problems(log));
        assertEquals(null, DrillServer.consistentAt("2026-12-06 19:50:00.100 UTC [42] LOG:  starting archive recovery\n"));
    }
}
