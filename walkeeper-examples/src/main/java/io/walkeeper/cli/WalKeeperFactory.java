package io.walkeeper.cli;

import io.walkeeper.core.PgConnection;
import io.walkeeper.core.WalKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;

/** Builds the engine from the command-line configuration. */
final class WalKeeperFactory {
    private WalKeeperFactory() {
    }

    /**
     * Opens the repository only, for WAL and restore work.
     *
     * @param config the configuration
     * @return the engine; the caller closes it
     */
    static WalKeeper repository(CliConfiguration config) {
        return builder(config).build();
    }

    /**
     * Opens the repository and configures the server to back up.
     *
     * @param config the configuration
     * @param dataDirectory the data directory
     * @param osUserName default role
     * @return the engine; the caller closes it
     */
    static WalKeeper withPostgres(CliConfiguration config, Path dataDirectory, String osUserName) {
        Logger log = LoggerFactory.getLogger(WalKeeperFactory.class);
        PgConnection connection = config.pgConnection(osUserName);
        config.pgHostNote().ifPresent(log::debug);
        log.debug("Connecting to PostgreSQL as {}", connection);
        return builder(config).postgres(connection, dataDirectory.toAbsolutePath().normalize()).build();
    }

    private static WalKeeper.Builder builder(CliConfiguration config) {
        Logger log = LoggerFactory.getLogger(WalKeeperFactory.class);
        URI storage = config.storage();
        WalKeeper.Builder b = WalKeeper.builder()
                .storage(storage, config.storageSettings(storage))
                .compression(config.compression(), config.compressionSettings());
        config.encryption().ifPresent(e -> b.encryption(e.provider(), e.settings()));
        config.concurrency().ifPresent(b::concurrency);
        config.partSize().ifPresent(b::partSizeThreshold);
        config.walArchiveTimeout().ifPresent(b::walArchiveTimeout);
        config.backupLeaseTimeout().ifPresent(b::backupLeaseTimeout);
        config.deltaMaxSteps().ifPresent(b::deltaMaxSteps);
        config.deltaOrigin().ifPresent(b::deltaOrigin);
        log.debug("Repository {} with {} compression", storage, config.compression());
        return b;
    }
}
