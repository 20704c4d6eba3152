package io.walkeeper.core.repo;

import io.walkeeper.core.repo.WalObject.Kind;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The one rule that tells what an archived key holds, and which backup a key under backups/ belongs to. */
class WalObjectTest {

    private static WalObject parse(String key) {
        return WalObject.of(key).orElseThrow(() -> new AssertionError("not a WAL object: " + key));
    }

    @Test
    void segmentsPartialsAndHistoriesAreToldApartWhateverTheirExtensions() {
        WalObject segment = parse("wal/0000000200000001000000A3.zst.pgp");
        assertEquals(Kind.SEGMENT, segment.kind());
        assertEquals("0000000200000001000000A3", segment.fileName());
        assertEquals("0000000200000001000000A3", segment.segment());
        assertEquals(2, segment.timeline());
        assertEquals("00000001000000A3", segment.position());

        WalObject partial = parse("wal/000000010000000000000005.partial.lz4");
        assertEquals(Kind.PARTIAL_SEGMENT, partial.kind());
        assertEquals("000000010000000000000005.partial", partial.fileName());
        assertEquals("000000010000000000000005", partial.segment());

        WalObject backup = parse("wal/000000010000000000000003.00000028.backup.lz4");
        assertEquals(Kind.BACKUP_HISTORY, backup.kind(), "its offset looks like an extension, yet it is not the segment");
        assertEquals("000000010000000000000003.00000028.backup", backup.fileName());
        assertEquals("000000010000000000000003", backup.segment());

        WalObject history = parse("wal/0000000A.history");
        assertEquals(Kind.TIMELINE_HISTORY, history.kind());
        assertEquals(10, history.timeline());
        assertNull(history.segment());
        assertNull(history.position());
    }

    @Test
    void keysThatAreNoWalFileAreNothing() {
        for (String key : new String[] {"wal/", "wal/readme.txt", "wal/00000001000000000000000.lz4",
                "wal/0000000100000000000000030.lz4", "wal/000000010000000000000003..lz4", "wal/0000000a.history",
                "backups/000000010000000000000003", "000000010000000000000003"}) {
            assertEquals(Optional.empty(), WalObject.of(key), key);
        }
    }

    @Test
    void everyObjectOfABackupNamesItAndNothingElseDoes() {
        String name = "base_000000010000000000000002";
        for (String key : new String[] {RepositoryLayout.manifestKey(name), RepositoryLayout.manifestSignatureKey(name),
                RepositoryLayout.leaseKey(name), RepositoryLayout.markKey(name), RepositoryLayout.backupPrefix(name) + "part_0001.tar.lz4",
                RepositoryLayout.backupPrefix(name) + "pg_control.tar"}) {
            assertEquals(name, RepositoryLayout.backupNameOf(key), key);
        }
        assertEquals(name, RepositoryLayout.backupNameOfManifest(RepositoryLayout.manifestKey(name)));
        assertNull(RepositoryLayout.backupNameOfManifest(RepositoryLayout.manifestSignatureKey(name)));
        for (String key : new String[] {"backups/readme.txt", "backups/.json", "backups//part.tar", "wal/x.json"}) {
            assertNull(RepositoryLayout.backupNameOf(key), key);
        }
        assertEquals("a", RepositoryLayout.backupNameOf("backups/a/b.lease"), "under a's prefix, whatever its name");
    }
}
