package io.walkeeper.api;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecoveryTargetTest {

    @Test
    void parsesPostgresTimestampText() {
        assertEquals(Instant.parse("2026-11-21T10:15:03.123456Z"), RecoveryTarget.parseTime("2026-11-21 10:15:03.123456+00"));
        assertEquals(Instant.parse("2026-11-21T04:45:03Z"), RecoveryTarget.parseTime("2026-11-21 10:15:03+05:30"));
        assertEquals(Instant.parse("2026-11-21T04:45:03Z"), RecoveryTarget.parseTime("2026-11-21 10:15:03+0530"));
        assertEquals(Instant.parse("2026-11-21T12:15:03Z"), RecoveryTarget.parseTime("2026-11-21 10:15:03-02"));
    }

    @Test
    void parsesIso8601() {
        assertEquals(Instant.parse("2026-11-21T10:15:03Z"), RecoveryTarget.parseTime("2026-11-21T10:15:03Z"));
        assertEquals(Instant.parse("2026-11-21T09:15:03.5Z"), RecoveryTarget.parseTime("2026-11-21T10:15:03.5+01:00"));
        assertEquals(Instant.parse("2026-11-21T10:15:00Z"), RecoveryTarget.parseTime("2026-11-21T10:15Z"));
    }

    @Test
    void refusesATimeWithoutZoneWithAHint() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> RecoveryTarget.parseTime("2026-11-21 10:15:03"));
        assertTrue(e.getMessage().contains("no time zone"), e.getMessage());
        assertThrows(InvalidRequestException.class, () -> RecoveryTarget.parseTime("yesterday"));
    }

    @Test
    void writesPostgresSettings() {
        RecoveryTarget t = RecoveryTarget.time(Instant.parse("2026-11-21T10:15:03.123456Z"))
                .withAction(RecoveryTargetAction.PROMOTE).withInclusive(false).withTimeline("latest");
        assertEquals(Map.of("recovery_target_time", "2026-11-21 10:15:03.123456+00", "recovery_target_inclusive", "off",
                "recovery_target_action", "promote", "recovery_target_timeline", "latest"), t.settings());
        assertEquals(Map.of("recovery_target", "immediate"), RecoveryTarget.immediate().settings());
        assertEquals(Map.of("recovery_target_lsn", "0/3000060"), RecoveryTarget.lsn(Lsn.parse("0/3000060")).settings());
        assertEquals(Map.of("recovery_target_xid", "742"), RecoveryTarget.xid("742").settings());
        assertEquals(Map.of("recovery_target_name", "before-drop"), RecoveryTarget.name("before-drop").settings());
        assertEquals(Map.of(), RecoveryTarget.latest().settings());
        assertThrows(InvalidRequestException.class, () -> RecoveryTarget.xid("abc"));
        assertThrows(InvalidRequestException.class, () -> RecoveryTarget.latest().withTimeline("newest"));
    }
}
