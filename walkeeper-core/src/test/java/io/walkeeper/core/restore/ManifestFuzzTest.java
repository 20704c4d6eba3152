package io.walkeeper.core.restore;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.Json;

import java.nio.file.Path;

/**
 * The manifest parser, its validation and the restore's planning of where each path goes, on
 * arbitrary JSON: the only failures allowed are walkeeper's own exceptions, and every path that
 * would be written lies inside the target data directory or a validated tablespace directory
 * (absolute, normalised, not overlapping the target). Nothing is written.
 */
class ManifestFuzzTest {
    private static final Path TARGET = Path.of("/tmp/walkeeper-fuzz-root/data");

    @FuzzTest(maxDuration = "10s")
    void briefly(FuzzedDataProvider data) {
        parseValidateAndPlan(data);
    }


    static void parseValidateAndPlan(FuzzedDataProvider data) {
        boolean remap = data.consumeBoolean();
        String json = data.consumeRemainingAsString();
        BackupManifest manifest;
        try {
            manifest = Json.MAPPER.readValue(json, BackupManifest.class).validate("backups/fuzz.json");
        } catch (com.fasterxml.jackson.core.JacksonException | IllegalArgumentException | java.time.DateTimeException
                 | WalKeeperException notAManifest) {
            return; // the repository turns these into an IntegrityException naming the manifest
        }
        RestoreRequest request = RestoreRequest.of(BackupSelector.named("fuzz"), TARGET, "x");
        if (remap && manifest.tablespaces() != null) {
            for (BackupManifest.Tablespace ts : manifest.tablespaces()) {
                request = request.withTablespace(ts.oid(), Path.of("/tmp/walkeeper-fuzz-root/ts-" + ts.oid()));
            }
        }
        RestoreTargets targets;
        try {
            targets = RestoreTargets.of(manifest, request);
        } catch (WalKeeperException refused) {
            return;
        }
        for (Path ts : targets.tablespaceDirectories()) {
            if (!ts.isAbsolute() || !ts.equals(ts.normalize()) || ts.startsWith(TARGET) || TARGET.startsWith(ts)) {
                throw new AssertionError("tablespace directory " + ts + " accepted");
            }
        }
        for (FileEntry f : manifest.files()) {
            Path p;
            try {
                p = targets.resolve(f.path());
            } catch (WalKeeperException refused) {
                continue;
            }
            boolean inside = p.startsWith(TARGET) || targets.tablespaceDirectories().stream().anyMatch(p::startsWith);
            if (!inside || !p.equals(p.normalize())) {
                throw new AssertionError("'" + f.path() + "' resolves to " + p + ", outside the targets");
            }
        }
        targets.tablespaceMap().lines().forEach(line -> {
            if (!line.matches("[1-9][0-9]* /.*")) {
                throw new AssertionError("tablespace_map line '" + line + "'");
            }
        });
    }
}
