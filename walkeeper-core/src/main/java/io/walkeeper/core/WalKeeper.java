package io.walkeeper.core;

import io.walkeeper.api.BackupRepository;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.DeltaOrigin;
import io.walkeeper.api.Restorer;
import io.walkeeper.api.WalArchiver;
import io.walkeeper.api.WalProgressListener;
import io.walkeeper.core.backup.BackupSettings;
import io.walkeeper.core.backup.DefaultBackupRepository;
import io.walkeeper.core.repo.ObjectFormat;
import io.walkeeper.core.repo.Providers;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.restore.DefaultRestorer;
import io.walkeeper.core.storage.RetryingBlobStore;
import io.walkeeper.core.storage.StorageOptions;
import io.walkeeper.core.wal.DefaultWalArchiver;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.CompressionCodec;
import io.walkeeper.spi.EncryptionProvider;
import io.walkeeper.spi.StreamCipher;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The entry point of the engine: a configured repository with its WAL archiver, backup
 * repository and restorer. Build one with {@link #builder()}; it is immutable and thread-safe,
 * and closing it closes the storage it opened.
 *
 * <p>Over 300 lines because the builder is the one public place where every setting is named,
 * checked and documented; the engine's work lives in the packages it wires together.
 *
 * <pre>{@code
 * try (WalKeeper wk = WalKeeper.builder()
 *         .storage(URI.create("file:///var/backups/pg"), Map.of())
 *         .compression("lz4")
 *         .postgres(PgConnection.of("localhost", 5432, "postgres"), Path.of("/var/lib/postgresql/16/main"))
 *         .build()) {
 *     BackupInfo b = wk.backups().push(BackupRequest.full());
 * }
 * }</pre>
 */
public final class WalKeeper implements AutoCloseable {
    private final Builder config;
    private final BlobStore store;
    private final Repository repository;
    private final WalArchiver walArchiver;
    private final BackupRepository backups;
    private final Restorer restorer;
    private final AtomicBoolean closed = new AtomicBoolean();

    private WalKeeper(Builder b) {
        this.config = b.copy();
        Map<String, String> storageOptions = new LinkedHashMap<>(b.storageOptions);
        if (b.blobStore != null) {
            this.store = RetryingBlobStore.wrap(b.blobStore, StorageOptions.from(storageOptions), false);
        } else {
            if (b.storage == null) {
                throw new ConfigurationException("No storage configured (HINT: call storage(URI, settings), e.g. with "
                        + "file:///var/backups/pg, or storage(BlobStore) on the builder)");
            }
            storageOptions.putAll(b.storageSettings);
            StorageOptions options = StorageOptions.from(storageOptions);
            this.store = RetryingBlobStore.wrap(Providers.openStore(b.storage, StorageOptions.providerSettings(b.storageSettings)),
                    options, true);
        }
        CompressionCodec codec = Providers.codec(b.compression).configure(b.compressionSettings);
        EncryptionProvider encryption = b.encryption == null ? null : Providers.encryption(b.encryption);
        StreamCipher cipher = encryption == null ? null : encryption.configure(b.encryptionSettings);
        this.repository = new Repository(store, new ObjectFormat(codec, encryption, cipher, Providers.codecs()));
        this.walArchiver = new DefaultWalArchiver(repository, b.walListener);
        this.backups = new DefaultBackupRepository(repository, b.connection, b.dataDirectory,
                new BackupSettings(b.partSizeThreshold, b.concurrency, b.walArchiveTimeout,
                        b.deltaMaxSteps, b.deltaOrigin, b.backupLeaseTimeout));
        this.restorer = new DefaultRestorer(repository, b.concurrency);
    }

    /**
     * Starts a configuration.
     *
     * @return a new builder with defaults: lz4 compression, 256 MiB parts, 2 parallel parts
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this instance's configuration, for a variant.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return config.copy();
    }

    /** @return the WAL archiver ({@code archive_command} / {@code restore_command} work) */
    public WalArchiver walArchiver() {
        return walArchiver;
    }

    /** @return the backup repository (take and list backups) */
    public BackupRepository backups() {
        return backups;
    }

    /** @return the restorer */
    public Restorer restorer() {
        return restorer;
    }

    /** @return the storage this instance uses */
    public BlobStore store() {
        return store;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            store.close(); // closes the provider's store only if this instance opened it
        }
    }

    /** Fluent configuration of a {@link WalKeeper}. Not thread-safe; {@link #build()} copies it. */
    public static final class Builder {
        private URI storage;
        private Map<String, String> storageSettings = Map.of();
        private BlobStore blobStore;
        private String compression = "lz4";
        private Map<String, String> compressionSettings = Map.of();
        private String encryption;
        private Map<String, String> encryptionSettings = Map.of();
        private PgConnection connection;
        private Path dataDirectory;
        private long partSizeThreshold = 256L << 20;
        private int concurrency = Math.max(2, Runtime.getRuntime().availableProcessors());
        private Duration walArchiveTimeout = Duration.ofMinutes(5);
        private Duration backupLeaseTimeout = Duration.ofHours(1);
        private int deltaMaxSteps;
        private DeltaOrigin deltaOrigin = DeltaOrigin.LATEST;
        private Map<String, String> storageOptions = Map.of();
        private WalProgressListener walListener = WalProgressListener.NONE;

        private Builder() {
        }

        private Builder copy() {
            Builder b = new Builder();
            b.storage = storage;
            b.storageSettings = storageSettings;
            b.blobStore = blobStore;
            b.compression = compression;
            b.compressionSettings = compressionSettings;
            b.encryption = encryption;
            b.encryptionSettings = encryptionSettings;
            b.connection = connection;
            b.dataDirectory = dataDirectory;
            b.partSizeThreshold = partSizeThreshold;
            b.concurrency = concurrency;
            b.walArchiveTimeout = walArchiveTimeout;
            b.backupLeaseTimeout = backupLeaseTimeout;
            b.deltaMaxSteps = deltaMaxSteps;
            b.deltaOrigin = deltaOrigin;
            b.storageOptions = storageOptions;
            b.walListener = walListener;
            return b;
        }

        /**
         * Sets the repository location; the provider is chosen by the URI scheme.
         *
         * @param location e.g. {@code file:///var/backups/pg}
         * @param settings provider settings
         * @return this builder
         */
        public Builder storage(URI location, Map<String, String> settings) {
            this.storage = Objects.requireNonNull(location, "location");
            this.storageSettings = Map.copyOf(settings);
            this.blobStore = null;
            return this;
        }

        /**
         * Uses an already open store (the caller keeps ownership and closes it).
         *
         * @param store the store
         * @return this builder
         */
        public Builder storage(BlobStore store) {
            this.blobStore = Objects.requireNonNull(store, "store");
            this.storage = null;
            return this;
        }

        /**
         * Sets the codec new objects are written with; reading always follows each object's extension.
         *
         * @param codecName e.g. {@code lz4}, {@code zstd}, {@code none}
         * @return this builder
         */
        public Builder compression(String codecName) {
            this.compression = Objects.requireNonNull(codecName, "codecName");
            return this;
        }

        /**
         * Sets the codec and its settings.
         *
         * @param codecName the codec
         * @param settings e.g. {@code zstd.level}
         * @return this builder
         */
        public Builder compression(String codecName, Map<String, String> settings) {
            this.compression = Objects.requireNonNull(codecName, "codecName");
            this.compressionSettings = Map.copyOf(settings);
            return this;
        }

        /**
         * Encrypts every stored object with the named provider.
         *
         * @param providerName e.g. {@code openpgp}
         * @param settings key material settings
         * @return this builder
         */
        public Builder encryption(String providerName, Map<String, String> settings) {
            this.encryption = providerName;
            this.encryptionSettings = new LinkedHashMap<>(settings);
            return this;
        }

        /**
         * Sets the server to back up.
         *
         * @param connection how to connect
         * @param dataDirectory its data directory, which must be the server's {@code data_directory}
         * @return this builder
         */
        public Builder postgres(PgConnection connection, Path dataDirectory) {
            this.connection = Objects.requireNonNull(connection, "connection");
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /**
         * Sets the uncompressed size after which a backup starts a new part.
         *
         * @param bytes at least 1 MiB; default 256 MiB
         * @return this builder
         */
        public Builder partSizeThreshold(long bytes) {
            this.partSizeThreshold = bytes;
            return this;
        }

        /**
         * Sets how many parts are written or read at once.
         *
         * @param parts at least 1; default the number of processors (at least 2)
         * @return this builder
         */
        public Builder concurrency(int parts) {
            this.concurrency = parts;
            return this;
        }

        /**
         * Sets how long a backup waits for its last WAL segment to reach the archive.
         *
         * @param timeout default 5 minutes
         * @return this builder
         */
        public Builder walArchiveTimeout(Duration timeout) {
            this.walArchiveTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets how long the lease of a running backup lives without renewal. A backup renews its
         * lease four times within this time; retention keeps the WAL and the parent a live lease
         * names, and reports and ignores a lease not renewed for longer (its backup was killed).
         *
         * @param timeout default 1 hour, at least 4 seconds
         * @return this builder
         */
        public Builder backupLeaseTimeout(Duration timeout) {
            this.backupLeaseTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets how storage calls are retried and limited, for any store: the {@code storage.*} keys
         * of {@link StorageOptions} (attempts, backoff, per-call deadline, bytes per second,
         * upload and download concurrency). The same keys may also be given in the settings of
         * {@link #storage(URI, Map)}, which win.
         *
         * @param options {@code storage.*} settings
         * @return this builder
         */
        public Builder storageOptions(Map<String, String> options) {
            StorageOptions.from(options);
            this.storageOptions = Map.copyOf(options);
            return this;
        }

        /**
         * Sets the longest chain of delta backups: a backup taken with {@link BackupRequest#auto()}
         * is a delta while its parent is fewer than this many steps from a full backup.
         *
         * @param steps 0 (the default) takes only full backups
         * @return this builder
         */
        public Builder deltaMaxSteps(int steps) {
            if (steps < 0) {
                throw new ConfigurationException("deltaMaxSteps must be 0 or more, not " + steps);
            }
            this.deltaMaxSteps = steps;
            return this;
        }

        /**
         * Sets which backup a delta is taken against.
         *
         * @param origin {@link DeltaOrigin#LATEST} (the default) or {@link DeltaOrigin#LATEST_FULL}
         * @return this builder
         */
        public Builder deltaOrigin(DeltaOrigin origin) {
            this.deltaOrigin = Objects.requireNonNull(origin, "origin");
            return this;
        }

        /**
         * Sets who hears of each WAL file the {@link WalKeeper#walArchiver()} archives, fetches or
         * prefetches, with running totals per operation (for metrics).
         *
         * @param listener the listener; {@link WalProgressListener#NONE} (the default) for none
         * @return this builder
         */
        public Builder walListener(WalProgressListener listener) {
            this.walListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Opens the storage and builds the engine.
         *
         * @return the engine; close it when done
         * @throws ConfigurationException if a setting is invalid or a provider is missing
         */
        public WalKeeper build() {
            return new WalKeeper(this);
        }
    }
}
