package io.walkeeper.core;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.VerificationResult;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Verification of a backup without restoring it: a sound delta chain checks out; a flipped byte
 * in a part of the parent, a missing part and a missing WAL segment are each named; nothing is
 * written anywhere.
 */
class BackupVerifyIT {

    @TempDir
    Path tmp;

    @Test
    void aSoundChainChecksOutAndEachDamageIsNamed() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        Path repo = tmp.resolve("repo");
        try (PostgresCluster source = PostgresCluster.builder().dataDir(tmp.resolve("source")).build()) {
            source.grantToPostgresUser(staging);
            source.archiveCommand(JavaApiRoundTripIT.StagedWalPusher.stagingCommand(staging));
            source.initdb().start();
            source.pgbenchInit(1);
            try (WalKeeper wk = WalKeeper.builder()
                    .storage(URI.create("file://" + repo), Map.of())
                    .postgres(PgConnection.of(source.socketDir().toString(), source.port(), "postgres"), source.dataDir())
                    .walArchiveTimeout(Duration.ofSeconds(60))
                    .partSizeThreshold(1L << 20)
                    .deltaMaxSteps(2)
                    .build();
                 JavaApiRoundTripIT.StagedWalPusher pusher = new JavaApiRoundTripIT.StagedWalPusher(wk, staging)) {
                BackupInfo full = wk.backups().push(BackupRequest.full());
                source.execute("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid % 10 = 0");
                BackupInfo delta = wk.backups().push(BackupRequest.auto());
                assertEquals(full.name(), delta.parentName());

                VerificationResult sound = wk.restorer().verify(BackupSelector.latest());
                assertTrue(sound.ok(), sound.problems().toString());
                assertEquals(List.of(delta.name(), full.name()), sound.chain());
                assertEquals(full.partCount() + delta.partCount(), sound.partsChecked());
                assertEquals(full.storedSize() + delta.storedSize(), sound.bytesChecked());
                assertTrue(sound.walSegmentsChecked() >= 1, sound.toString());

                List<String> fullParts = keys(wk, "backups/" + full.name() + "/");
                String damaged = fullParts.get(fullParts.size() / 2);
                Path file = repo.resolve(damaged);
                assertTrue(Files.isRegularFile(file), file.toString());
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                    long at = f.length() / 2;
                    f.seek(at);
                    int b = f.read();
                    f.seek(at);
                    f.write(b ^ 0x5A);
                }
                String missingPart = fullParts.get(0).equals(damaged) ? fullParts.get(1) : fullParts.get(0);
                wk.store().delete(List.of(missingPart));
                String startWal = keys(wk, "wal/" + delta.startWalSegment()).stream()
                        .filter(k -> k.matches("wal/" + delta.startWalSegment() + "(\\.[a-z0-9]+)?")).findFirst().orElseThrow();
                wk.store().delete(List.of(startWal));

                VerificationResult broken = wk.restorer().verify(BackupSelector.named(delta.name()));
                assertFalse(broken.ok());
                String all = String.join("\n", broken.problems());
                assertEquals(3, broken.problems().size(), all);
                assertTrue(all.contains(damaged) && all.contains("corrupt"), all);
                assertTrue(all.contains(missingPart), all);
                assertTrue(all.contains("WAL segment " + delta.startWalSegment()) && all.contains("not in the archive"), all);
                assertTrue(wk.restorer().verify(BackupSelector.named(full.name())).problems().size() == 2,
                        "the full backup shares the two damaged parts, not the delta's WAL");
            }
        }
    }

    private static List<String> keys(WalKeeper wk, String prefix) {
        try (Stream<BlobInfo> s = wk.store().list(prefix)) {
            return s.map(BlobInfo::key).toList();
        }
    }
}
