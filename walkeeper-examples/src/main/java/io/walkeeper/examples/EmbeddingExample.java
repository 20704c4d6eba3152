package io.walkeeper.examples;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.RecoveryTarget;
import io.walkeeper.api.RecoveryTargetAction;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.RestoreResult;
import io.walkeeper.api.WalCommands;
import io.walkeeper.core.PgConnection;
import io.walkeeper.core.WalKeeper;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Embedding walkeeper in an application: a base backup of a running server, and a restore to a
 * point in time whose recovered server fetches WAL with walkeeper's launcher. The code between
 * the {@code README} markers is the README's embedding example, word for word (a test checks
 * that, and runs these methods against a real server).
 *
 * <p>The program must run as the cluster's OS user (or one that can read the data directory),
 * on the database host. WAL reaches the repository through the server's
 * {@code archive_command}, e.g. {@link WalCommands#archiveCommand(Path, Path)}, with the same
 * settings in the configuration file as here.
 */
public final class EmbeddingExample {
    private EmbeddingExample() {
    }

    /**
     * Takes a full base backup.
     *
     * @param repository where backups live, e.g. {@code file:///var/backups/pg}
     * @param server how to reach the server
     * @param dataDirectory the server's data directory
     * @return the completed backup
     */
    public static BackupInfo backup(URI repository, PgConnection server, Path dataDirectory) {
        // README:backup:begin
        try (WalKeeper wk = WalKeeper.builder()
                .storage(repository, Map.of())   // e.g. URI.create("file:///var/backups/pg")
                .compression("lz4")
                .postgres(server, dataDirectory)  // e.g. PgConnection.of("/var/run/postgresql", 5432, "postgres")
                .build()) {
            return wk.backups().push(BackupRequest.full());
        }
        // README:backup:end
    }

    /**
     * Restores the newest backup that finished before {@code time} into {@code restoreInto} and
     * writes the recovery settings that take the server to {@code time} and promote it.
     *
     * @param repository where backups live
     * @param restoreInto the new data directory, absent or empty
     * @param time the recovery target
     * @param launcher walkeeper's launcher ({@code bin/walkeeper}), which the server runs as
     *     {@code restore_command}
     * @param configFile a configuration file with the same storage settings
     * @return what was restored
     */
    public static RestoreResult restoreToTime(URI repository, Path restoreInto, Instant time, Path launcher,
                                              Path configFile) {
        // README:restore:begin
        try (WalKeeper wk = WalKeeper.builder().storage(repository, Map.of()).build()) {
            return wk.restorer().restore(RestoreRequest.of(BackupSelector.latest(), restoreInto,
                            WalCommands.restoreCommand(launcher, configFile))  // '<launcher>' --config '<file>' wal-fetch %f %p
                    .target(RecoveryTarget.time(time).withAction(RecoveryTargetAction.PROMOTE)));
        }
        // README:restore:end
    }
}
