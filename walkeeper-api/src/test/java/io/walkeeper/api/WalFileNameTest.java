package io.walkeeper.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WalFileNameTest {

    @Test
    void classifiesTheFourKinds() {
        assertEquals(WalFileName.Kind.SEGMENT, WalFileName.parse("000000010000000000000019").kind());
        assertEquals(WalFileName.Kind.PARTIAL, WalFileName.parse("000000010000000000000019.partial").kind());
        assertEquals(WalFileName.Kind.BACKUP_HISTORY, WalFileName.parse("000000010000000000000002.00000028.backup").kind());
        assertEquals(WalFileName.Kind.TIMELINE_HISTORY, WalFileName.parse("00000002.history").kind());
        assertEquals(2, WalFileName.parse("00000002.history").timeline().value());
    }

    @Test
    void refusesAnythingElse() {
        for (String bad : new String[] {"notawal", "00000001000000000000001", "0000000100000000000000190",
            "000000010000000000000019.gz", "000000010000000000000019.00000028", "00000001.History", "../00000002.history",
            "000000010000000000000019/", "00000000000000000000000A", "00000000.history", "000000010000000000000a19",
            "RECOVERYXLOG"}) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> WalFileName.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }
}
