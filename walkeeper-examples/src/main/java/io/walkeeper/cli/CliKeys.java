package io.walkeeper.cli;

import io.walkeeper.spi.Setting;

import java.util.List;

/**
 * The command-line tool's own configuration keys, one record each: the key, its WAL-G aliases
 * (as the setting's {@linkplain Setting#environment() environment names}, first one winning),
 * type and range, default, whether it is secret, and where the value goes. Parsing
 * ({@link CliConfiguration}), the README's table and {@code walkeeper settings} all come from this
 * table; the settings of storage, encryption and the engine's {@code storage.} options come from
 * the providers that declare them ({@link ProviderKeys}).
 */
final class CliKeys {
    /**
     * One key of the table.
     *
     * @param setting the key, its aliases, type, range, default and secrecy
     * @param goesTo where the value goes, for the documentation
     */
    record CliKey(Setting setting, String goesTo) {
        /** @return the key */
        String name() {
            return setting.key();
        }

        /** @return the key followed by its aliases, in order of precedence */
        List<String> names() {
            return java.util.stream.Stream.concat(java.util.stream.Stream.of(name()), setting.environment().stream())
                    .toList();
        }
    }

    static final CliKey CONFIG = key(Setting.path("WALKEEPER_CONFIG")
            .description("Configuration file used when --config is not given (environment only)"), "the configuration file");
    static final CliKey STORAGE = key(Setting.text("WALKEEPER_STORAGE")
            .environment("WALG_FILE_PREFIX", "WALG_S3_PREFIX", "WALG_AZ_PREFIX", "WALG_GS_PREFIX")
            .description("Repository URI: file:///var/backups/pg, s3://bucket/prefix, azure://container/prefix, "
                    + "gs://bucket/prefix (WALG_FILE_PREFIX is a directory)"), "WalKeeper.Builder.storage(uri, settings)");
    static final CliKey COMPRESSION = key(Setting.text("WALKEEPER_COMPRESSION").defaultValue("lz4")
            .environment("WALG_COMPRESSION_METHOD")
            .description("Codec of new objects: lz4, zstd, brotli, xz (WAL-G's lzma) or none"),
            "WalKeeper.Builder.compression(name)");
    static final CliKey CONCURRENCY = key(Setting.integer("WALKEEPER_CONCURRENCY", 1, 1024)
            .environment("WALG_UPLOAD_CONCURRENCY")
            .description("Parts moved at once by a backup or restore; default the number of CPUs, at least 2"),
            "WalKeeper.Builder.concurrency(n)");
    static final CliKey PART_SIZE = key(Setting.size("WALKEEPER_PART_SIZE", 0, Long.MAX_VALUE)
            .description("A backup starts a new part after this many bytes, e.g. 256MB (the default) or 1GB"),
            "WalKeeper.Builder.partSizeThreshold(bytes)");
    static final CliKey WAL_PUSH_AHEAD = key(Setting.integer("WALKEEPER_WAL_PUSH_AHEAD", 0, 64).defaultValue(8)
            .description("Ready WAL segments wal-push archives ahead of PostgreSQL asking, in parallel; 0 turns it off"),
            "wal-push");
    static final CliKey ARCHIVE_QUEUE_MAX = key(Setting.size("WALKEEPER_ARCHIVE_QUEUE_MAX", 1, Long.MAX_VALUE)
            .description("Off unless set, e.g. 4GB: when more ready WAL than this waits in pg_wal, wal-push acknowledges "
                    + "the oldest segment WITHOUT archiving it and logs an error (point-in-time recovery across it is lost) "
                    + "rather than let pg_wal fill the disk"),
            "wal-push");
    static final CliKey PREFETCH = key(Setting.integer("WALKEEPER_PREFETCH", 0, 64).defaultValue(8)
            .description("WAL segments wal-fetch keeps downloaded and verified ahead of recovery, in a spool under "
                    + "pg_wal/ filled by a background process; 0 turns it off"),
            "wal-fetch");
    static final CliKey WAL_ARCHIVE_TIMEOUT = key(Setting.integer("WALKEEPER_WAL_ARCHIVE_TIMEOUT", 1, 604_800)
            .description("Seconds a backup waits for its last WAL segment to be archived; default 300"),
            "WalKeeper.Builder.walArchiveTimeout(duration)");
    static final CliKey BACKUP_LEASE_TIMEOUT = key(Setting.integer("WALKEEPER_BACKUP_LEASE_TIMEOUT", 4, 604_800)
            .description("Seconds a running backup's lease lives without renewal (renewed every quarter of it); "
                    + "retention reports and ignores an older lease; default 3600"),
            "WalKeeper.Builder.backupLeaseTimeout(duration)");
    static final CliKey DELTA_MAX_STEPS = key(Setting.integer("WALKEEPER_DELTA_MAX_STEPS", 0, 1000)
            .environment("WALG_DELTA_MAX_STEPS")
            .description("Longest chain of delta backups before a full one; 0 (the default) takes only full backups"),
            "WalKeeper.Builder.deltaMaxSteps(n)");
    static final CliKey DELTA_ORIGIN = key(Setting.choice("WALKEEPER_DELTA_ORIGIN", "LATEST", "LATEST_FULL")
            .environment("WALG_DELTA_ORIGIN")
            .description("Parent of a delta: the newest backup (LATEST, the default) or the newest full one"),
            "WalKeeper.Builder.deltaOrigin(origin)");
    static final CliKey BACKUP_LABELS = key(Setting.text("WALKEEPER_BACKUP_LABELS").environment("WALG_SENTINEL_USER_DATA")
            .description("Labels every backup-push adds: key=value pairs separated by commas, or a JSON object "
                    + "(WAL-G's user data; any other text is stored as the label user-data)"),
            "BackupRequest.withLabel(key, value)");
    static final CliKey LOG_LEVEL = key(Setting.choice("WALKEEPER_LOG_LEVEL", "trace", "debug", "info", "warn", "error",
            "off").defaultValue("info").description("Log level; logs go to standard error (warning means warn)"), "logging");
    static final CliKey PGDATA = key(Setting.path("PGDATA").description("The data directory, as in libpq"),
            "WalKeeper.Builder.postgres(connection, dataDirectory)");
    static final CliKey PGHOST = key(Setting.text("PGHOST").description("Server host or Unix socket directory; unset: "
            + "the server's socket in /var/run/postgresql or /tmp if there, else localhost"), "PgConnection");
    static final CliKey PGPORT = key(Setting.integer("PGPORT", 1, 65_535).defaultValue(5432)
            .description("Server port"), "PgConnection");
    static final CliKey PGUSER = key(Setting.text("PGUSER").description("Role; default the OS user name"), "PgConnection");
    static final CliKey PGPASSWORD = key(Setting.text("PGPASSWORD").secret()
            .description("Password; never logged, never written into restore_command"), "PgConnection");
    static final CliKey PGDATABASE = key(Setting.text("PGDATABASE").defaultValue("postgres")
            .description("Database to connect to"), "PgConnection");

    /** The whole table, in documentation order. */
    static final List<CliKey> ALL = List.of(CONFIG, STORAGE, COMPRESSION, CONCURRENCY, PART_SIZE, WAL_PUSH_AHEAD,
            ARCHIVE_QUEUE_MAX, PREFETCH, WAL_ARCHIVE_TIMEOUT, BACKUP_LEASE_TIMEOUT, DELTA_MAX_STEPS, DELTA_ORIGIN, BACKUP_LABELS, LOG_LEVEL, PGDATA,
            PGHOST, PGPORT,
            PGUSER, PGPASSWORD, PGDATABASE);

    private CliKeys() {
    }

    private static CliKey key(Setting.Builder setting, String goesTo) {
        return new CliKey(setting.build(), goesTo);
    }
}
