package io.walkeeper.core.backup;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupRepository;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.DeletionListener;
import io.walkeeper.api.GarbageResult;
import io.walkeeper.api.ProgressListener;
import io.walkeeper.api.RetentionPolicy;
import io.walkeeper.api.RetentionResult;
import io.walkeeper.core.PgConnection;
import io.walkeeper.core.pg.BackupSession;
import io.walkeeper.core.pg.PgSession;
import io.walkeeper.core.repo.Repository;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@link BackupRepository} of the engine: a thin facade over the {@link BackupCatalogue}
 * (listing and selection), one {@link BackupRun} per push, {@link Retention}, and
 * {@link RepositoryCleanup} for deleting everything or the garbage.
 */
public final class DefaultBackupRepository implements BackupRepository {
    private final Repository repository;
    private final Supplier<BackupSession> sessions;
    private final Path dataDirectory;
    private final BackupSettings settings;
    private final BackupCatalogue catalogue;

    /**
     * Creates the repository view.
     *
     * @param repository where backups live
     * @param connection how to reach the server, or {@code null} if this instance only reads
     * @param dataDirectory the server's data directory, or {@code null}
     * @param settings tuning
     */
    public DefaultBackupRepository(Repository repository, PgConnection connection, Path dataDirectory,
                                   BackupSettings settings) {
        this(repository, connection == null ? null : () -> PgSession.open(connection), dataDirectory, settings);
    }

    DefaultBackupRepository(Repository repository, Supplier<BackupSession> sessions, Path dataDirectory,
                            BackupSettings settings) {
        this.repository = repository;
        this.sessions = sessions;
        this.dataDirectory = dataDirectory;
        this.settings = settings;
        this.catalogue = new BackupCatalogue(repository);
    }

    @Override
    public BackupInfo push(BackupRequest request, ProgressListener listener) {
        if (sessions == null || dataDirectory == null) {
            throw new ConfigurationException("Cannot take a backup: no PostgreSQL connection and data directory configured "
                    + "(HINT: set PGDATA/PGHOST/PGPORT/PGUSER, or .postgres(...) on the builder)");
        }
        try (BackupSession pg = sessions.get()) {
            return new BackupRun(repository, pg, dataDirectory, settings, request,
                    listener == null ? ProgressListener.NONE : listener).run();
        }
    }

    @Override
    public RetentionResult applyRetention(RetentionPolicy policy, boolean dryRun) {
        return applyRetention(policy, dryRun, DeletionListener.NONE);
    }

    @Override
    public RetentionResult applyRetention(RetentionPolicy policy, boolean dryRun, DeletionListener listener) {
        return new Retention(repository, catalogue, settings.leaseTimeout()).apply(policy, dryRun, listener);
    }

    @Override
    public RetentionResult deleteEverything(boolean force, boolean dryRun) {
        return deleteEverything(force, dryRun, DeletionListener.NONE);
    }

    @Override
    public RetentionResult deleteEverything(boolean force, boolean dryRun, DeletionListener listener) {
        return cleanup().everything(force, dryRun, listener);
    }

    @Override
    public GarbageResult collectGarbage(boolean dryRun) {
        return collectGarbage(dryRun, DeletionListener.NONE);
    }

    @Override
    public GarbageResult collectGarbage(boolean dryRun, DeletionListener listener) {
        return cleanup().garbage(dryRun, new Retention(repository, catalogue, settings.leaseTimeout()), listener);
    }

    private RepositoryCleanup cleanup() {
        return new RepositoryCleanup(repository, catalogue, settings.leaseTimeout(), java.time.Clock.systemUTC());
    }

    @Override
    public List<BackupInfo> list() {
        return catalogue.list();
    }

    @Override
    public Optional<BackupInfo> find(String name) {
        return catalogue.find(name);
    }

    @Override
    public BackupInfo select(BackupSelector selector) {
        return catalogue.info(catalogue.select(selector));
    }

    @Override
    public List<BackupInfo> mark(String name, boolean permanent) {
        return new BackupMarking(repository, catalogue).mark(name, permanent);
    }
}
