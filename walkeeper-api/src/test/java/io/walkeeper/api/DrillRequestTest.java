package io.walkeeper.api;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The drill request's defaults, its variants through {@code toBuilder()}, and what it refuses. */
class DrillRequestTest {
    private static final String FETCH = "walkeeper wal-fetch %f %p";

    @Test
    void defaultsAreTheEndOfTheArchiveAmcheckAndAKeptReport() {
        DrillRequest r = DrillRequest.builder(BackupSelector.latest(), FETCH).build();
        assertEquals(RecoveryTarget.latest(), r.recoveryTarget());
        assertEquals(DrillRequest.ROLE_DEFAULT, r.role());
        assertEquals(DrillRequest.CHECK_DATABASE_DEFAULT, r.checkDatabase());
        assertEquals(DrillRequest.TIMEOUT_DEFAULT, r.timeout());
        assertTrue(r.amcheck());
        assertTrue(r.keepReport());
        assertNull(r.osUser());
        assertNull(r.checkSql());
        assertNull(r.binDirectory());
        assertEquals(Map.of(), r.serverSettings());
    }

    @Test
    void toBuilderKeepsEverySettingAndVariesOne() {
        DrillRequest r = DrillRequest.builder(BackupSelector.named("base_1"), FETCH)
                .recoveryTarget(RecoveryTarget.immediate()).binDirectory(Path.of("/opt/pg/bin")).workDirectory(Path.of("/srv"))
                .osUser("postgres").role("admin").amcheck(false).checkSql("SELECT true").checkDatabase("app")
                .timeout(Duration.ofMinutes(5)).keepReport(false).acceptUnsignedManifests(true)
                .serverSetting("shared_buffers", "128MB").build();
        DrillRequest same = r.toBuilder().build();
        for (DrillRequest d : new DrillRequest[] {r, same}) {
            assertEquals("base_1", d.backup().name());
            assertEquals(RecoveryTarget.immediate(), d.recoveryTarget());
            assertEquals(Path.of("/opt/pg/bin"), d.binDirectory());
            assertEquals("postgres", d.osUser());
            assertEquals("admin", d.role());
            assertFalse(d.amcheck());
            assertEquals("app", d.checkDatabase());
            assertEquals(Duration.ofMinutes(5), d.timeout());
            assertFalse(d.keepReport());
            assertTrue(d.acceptUnsignedManifests());
            assertEquals(Map.of("shared_buffers", "128MB"), d.serverSettings());
        }
        assertTrue(r.toBuilder().keepReport(true).build().keepReport());
        assertFalse(r.keepReport(), "the original is unchanged");
    }

    @Test
    void refusesWhatCannotWork() {
        assertThrows(InvalidRequestException.class, () -> DrillRequest.builder(BackupSelector.latest(), " ").build());
        assertThrows(InvalidRequestException.class, () -> DrillRequest.builder(BackupSelector.latest(), "a\nb").build());
        assertThrows(InvalidRequestException.class,
                () -> DrillRequest.builder(BackupSelector.latest(), FETCH).osUser("postgres; rm -rf /").build());
        assertThrows(InvalidRequestException.class,
                () -> DrillRequest.builder(BackupSelector.latest(), FETCH).timeout(Duration.ZERO).build());
        assertThrows(InvalidRequestException.class,
                () -> DrillRequest.builder(BackupSelector.latest(), FETCH).serverSetting("Bad Name", "x").build());
    }
}
