package io.walkeeper.core.backup;

import io.walkeeper.api.DeltaOrigin;
import io.walkeeper.api.Lsn;
import io.walkeeper.core.pg.BackupSession;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.storage.fs.FsBlobStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A file repository, without compression or encryption, for full backups of a synthetic data
 * directory taken with {@link TestBackups}: the setup of the tests of what deletes backups.
 */
final class SyntheticBackups implements AutoCloseable {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    final FsBlobStore store;
    final Repository repo;
    private final Path data;

    /**
     * Writes the data directory ({@code global/pg_control} and {@code relations} empty relation
     * files of 8 KiB under {@code base/5}) and opens the repository, both under {@code tmp}.
     *
     * @param tmp a directory of the test's own
     * @param relations how many relation files the data directory holds
     */
    SyntheticBackups(Path tmp, int relations) throws IOException {
        data = tmp.resolve("data");
        Files.createDirectories(data.resolve("global"));
        Files.createDirectories(data.resolve("base/5"));
        byte[] control = new byte[8192];
        new Random(1).nextBytes(control);
        Files.write(data.resolve("global/pg_control"), control);
        for (int i = 0; i < relations; i++) {
            Files.write(data.resolve("base/5/" + (16384 + i)), new byte[8192]);
        }
        store = FsBlobStore.open(tmp.resolve("repo"));
        repo = new Repository(store, new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null,
                Providers.codecs()));
    }

    /**
     * The name of the backup that starts in segment {@code seg} of timeline 1.
     *
     * @param seg the segment number, below 10
     * @return {@code base_<segment>}
     */
    static String name(int seg) {
        return String.format("base_0000000100000000000000%02X", seg);
    }

    /**
     * Takes the full backup {@link #name(int)} that starts at {@code 0/<seg>000028}, {@code seg}
     * minutes after the first of 2026, two files per part.
     *
     * @param seg the segment number, below 10
     * @return the backup's name
     */
    String takeFull(int seg) throws IOException {
        String name = name(seg);
        TestBackups.take(repo, data, name, Lsn.parse("0/" + seg + "000028"), START.plusSeconds(seg * 60L), null, 2);
        return name;
    }

    /**
     * The backup repository over the store, without a server.
     *
     * @return a new repository with 1 MiB parts and a lease timeout of a minute
     */
    DefaultBackupRepository backups() {
        return new DefaultBackupRepository(repo, (Supplier<BackupSession>) null, null,
                new BackupSettings(1 << 20, 2, Duration.ofSeconds(5), 0, DeltaOrigin.LATEST, Duration.ofMinutes(1)));
    }

    @Override
    public void close() {
        store.close();
    }
}
