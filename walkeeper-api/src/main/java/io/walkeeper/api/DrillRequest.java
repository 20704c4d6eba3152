package io.walkeeper.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A restore drill: which backup to restore into a throw-away directory, where recovery should
 * stop, which PostgreSQL binaries start it, as which OS account, and what to check once it is up.
 * Immutable and thread-safe; build one with {@link #builder(BackupSelector, String)} and vary it
 * with {@link #toBuilder()}.
 *
 * <p>The drill server never archives (it runs with {@code archive_mode = off}) and never streams
 * from another server (no {@code primary_conninfo}); a recovery target other than the end of the
 * archive is always followed by promotion, whatever action the target names.
 */
public final class DrillRequest {
    /** How long the whole drill may take by default: restore, recovery and checks. */
    public static final Duration TIMEOUT_DEFAULT = Duration.ofHours(1);
    /** The database role the drill connects as by default. */
    public static final String ROLE_DEFAULT = "postgres";
    /** The database a {@link Builder#checkSql(String) check query} runs in by default. */
    public static final String CHECK_DATABASE_DEFAULT = "postgres";

    private final BackupSelector backup;
    private final RecoveryTarget recoveryTarget;
    private final String restoreCommand;
    private final Path binDirectory;
    private final Path workDirectory;
    private final String osUser;
    private final String role;
    private final boolean amcheck;
    private final String checkSql;
    private final String checkDatabase;
    private final Duration timeout;
    private final boolean keepReport;
    private final boolean acceptUnsignedManifests;
    private final Map<String, String> serverSettings;

    private DrillRequest(Builder b) {
        this.backup = Objects.requireNonNull(b.backup, "backup");
        this.recoveryTarget = b.recoveryTarget == null ? RecoveryTarget.latest() : b.recoveryTarget;
        if (b.restoreCommand == null || b.restoreCommand.isBlank()) {
            throw new InvalidRequestException("A drill needs a restore_command, which the drill server runs to fetch WAL "
                    + "from the archive (HINT: WalCommands.restoreCommand(launcher, configFile) writes the one that runs "
                    + "walkeeper's wal-fetch)");
        }
        if (b.restoreCommand.indexOf('\n') >= 0 || b.restoreCommand.indexOf('\r') >= 0) {
            throw new InvalidRequestException("A restore_command must be one line: " + b.restoreCommand.strip());
        }
        this.restoreCommand = b.restoreCommand;
        this.binDirectory = b.binDirectory;
        this.workDirectory = b.workDirectory;
        if (b.osUser != null && !b.osUser.matches("[A-Za-z_][A-Za-z0-9_.-]{0,31}")) {
            throw new InvalidRequestException("OS user '" + b.osUser + "' is not an account name");
        }
        this.osUser = b.osUser;
        this.role = b.role == null || b.role.isBlank() ? ROLE_DEFAULT : b.role;
        this.amcheck = b.amcheck;
        this.checkSql = b.checkSql == null || b.checkSql.isBlank() ? null : b.checkSql;
        this.checkDatabase = b.checkDatabase == null || b.checkDatabase.isBlank() ? CHECK_DATABASE_DEFAULT : b.checkDatabase;
        if (b.timeout.isNegative() || b.timeout.isZero()) {
            throw new InvalidRequestException("A drill's timeout must be positive, not " + b.timeout);
        }
        this.timeout = b.timeout;
        this.keepReport = b.keepReport;
        this.acceptUnsignedManifests = b.acceptUnsignedManifests;
        for (String name : b.serverSettings.keySet()) {
            if (!name.matches("[a-z_][a-z0-9_.]*")) {
                throw new InvalidRequestException("'" + name + "' is not a PostgreSQL setting name");
            }
        }
        this.serverSettings = Map.copyOf(b.serverSettings);
    }

    /**
     * Starts a request to drill a backup with a given {@code restore_command}.
     *
     * @param backup which backup; {@link BackupSelector#latest()} with a time or LSN target means
     *     the newest backup that finished before the target, as for a restore
     * @param restoreCommand the {@code restore_command} the drill server runs, with PostgreSQL's
     *     {@code %f} and {@code %p} placeholders; see {@link WalCommands}
     * @return a builder with every other setting at its default
     */
    public static Builder builder(BackupSelector backup, String restoreCommand) {
        return new Builder().backup(backup).restoreCommand(restoreCommand);
    }

    /**
     * Returns a builder holding this request's settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.backup = backup;
        b.recoveryTarget = recoveryTarget;
        b.restoreCommand = restoreCommand;
        b.binDirectory = binDirectory;
        b.workDirectory = workDirectory;
        b.osUser = osUser;
        b.role = role;
        b.amcheck = amcheck;
        b.checkSql = checkSql;
        b.checkDatabase = checkDatabase;
        b.timeout = timeout;
        b.keepReport = keepReport;
        b.acceptUnsignedManifests = acceptUnsignedManifests;
        b.serverSettings.putAll(serverSettings);
        return b;
    }

    /** @return which backup */
    public BackupSelector backup() {
        return backup;
    }

    /** @return where recovery stops; {@link RecoveryTarget#latest()} (the end of the archive) by default */
    public RecoveryTarget recoveryTarget() {
        return recoveryTarget;
    }

    /** @return the {@code restore_command} the drill server runs */
    public String restoreCommand() {
        return restoreCommand;
    }

    /** @return the directory of {@code postgres} and {@code pg_ctl}, or {@code null} to look in the usual places */
    public Path binDirectory() {
        return binDirectory;
    }

    /** @return the directory the drill's temporary directory is made in, or {@code null} for the system's */
    public Path workDirectory() {
        return workDirectory;
    }

    /** @return the OS account the server runs as, or {@code null} for this process's own */
    public String osUser() {
        return osUser;
    }

    /** @return the database role the drill connects as */
    public String role() {
        return role;
    }

    /** @return whether {@code pg_amcheck} runs when the binary directory holds it */
    public boolean amcheck() {
        return amcheck;
    }

    /** @return the check query, or {@code null} */
    public String checkSql() {
        return checkSql;
    }

    /** @return the database the check query runs in */
    public String checkDatabase() {
        return checkDatabase;
    }

    /** @return how long the whole drill may take */
    public Duration timeout() {
        return timeout;
    }

    /** @return whether the report is stored in the repository, under {@code drills/} */
    public boolean keepReport() {
        return keepReport;
    }

    /** @return whether a manifest without a signature in an encrypted repository is accepted */
    public boolean acceptUnsignedManifests() {
        return acceptUnsignedManifests;
    }

    /** @return settings given to the drill server on its command line, over those of the backup */
    public Map<String, String> serverSettings() {
        return serverSettings;
    }

    /** Collects the settings of a {@link DrillRequest}. Not thread-safe. */
    public static final class Builder {
        private BackupSelector backup;
        private RecoveryTarget recoveryTarget;
        private String restoreCommand;
        private Path binDirectory;
        private Path workDirectory;
        private String osUser;
        private String role;
        private boolean amcheck = true;
        private String checkSql;
        private String checkDatabase;
        private Duration timeout = TIMEOUT_DEFAULT;
        private boolean keepReport = true;
        private boolean acceptUnsignedManifests;
        private final Map<String, String> serverSettings = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Sets the backup to drill.
         *
         * @param value the selector
         * @return this builder
         */
        public Builder backup(BackupSelector value) {
            this.backup = Objects.requireNonNull(value, "backup");
            return this;
        }

        /**
         * Sets where recovery stops (default: the end of the archive). The drill server is
         * promoted there whatever action the target names.
         *
         * @param value the target
         * @return this builder
         */
        public Builder recoveryTarget(RecoveryTarget value) {
            this.recoveryTarget = value;
            return this;
        }

        /**
         * Sets the {@code restore_command}.
         *
         * @param value the command, one line
         * @return this builder
         */
        public Builder restoreCommand(String value) {
            this.restoreCommand = value;
            return this;
        }

        /**
         * Sets the directory holding {@code postgres} and {@code pg_ctl} of the backup's major
         * version (and {@code pg_amcheck}, if it is to run). Default: Debian's
         * {@code /usr/lib/postgresql/N/bin}, else the PGDG {@code /usr/pgsql-N/bin}.
         *
         * @param value the directory, or {@code null}
         * @return this builder
         */
        public Builder binDirectory(Path value) {
            this.binDirectory = value;
            return this;
        }

        /**
         * Sets the directory in which the drill makes its temporary directory (default: the
         * system's temporary directory). The account the server runs as must be able to reach it.
         *
         * @param value an existing directory, or {@code null}
         * @return this builder
         */
        public Builder workDirectory(Path value) {
            this.workDirectory = value;
            return this;
        }

        /**
         * Runs the server as another OS account, through {@code runuser -u ACCOUNT --}, which
         * only root may do; the drill's directory is handed to that account first. PostgreSQL
         * refuses to run as root, so a drill run by root needs one (usually {@code postgres}).
         *
         * @param value the account name, or {@code null} for this process's own
         * @return this builder
         */
        public Builder osUser(String value) {
            this.osUser = value;
            return this;
        }

        /**
         * Sets the database role the drill connects as (default {@value #ROLE_DEFAULT}); it
         * must exist in the backup and be a superuser for {@code pg_amcheck} to check everything.
         *
         * @param value the role
         * @return this builder
         */
        public Builder role(String value) {
            this.role = value;
            return this;
        }

        /**
         * Runs {@code pg_amcheck --all --install-missing} when the binary directory holds it
         * (PostgreSQL 14 and later); on by default.
         *
         * @param value whether to run it
         * @return this builder
         */
        public Builder amcheck(boolean value) {
            this.amcheck = value;
            return this;
        }

        /**
         * Sets a query that must succeed on the recovered server; when its first row's first
         * column is a boolean, it must be true ({@code SELECT count(*) > 0 FROM orders}).
         *
         * @param value the query, or {@code null} for none
         * @return this builder
         */
        public Builder checkSql(String value) {
            this.checkSql = value;
            return this;
        }

        /**
         * Sets the database the check query runs in (default {@value #CHECK_DATABASE_DEFAULT}).
         *
         * @param value the database name
         * @return this builder
         */
        public Builder checkDatabase(String value) {
            this.checkDatabase = value;
            return this;
        }

        /**
         * Sets how long the whole drill may take (default one hour); past it the drill fails.
         *
         * @param value a positive duration
         * @return this builder
         */
        public Builder timeout(Duration value) {
            this.timeout = Objects.requireNonNull(value, "timeout");
            return this;
        }

        /**
         * Stores the report in the repository under {@code drills/<backup>/} (default on).
         *
         * @param value whether to store it
         * @return this builder
         */
        public Builder keepReport(boolean value) {
            this.keepReport = value;
            return this;
        }

        /**
         * Accepts a manifest without a signature in an encrypted repository, as
         * {@link RestoreRequest#withUnsignedManifestsAccepted(boolean)} does.
         *
         * @param value whether to accept one
         * @return this builder
         */
        public Builder acceptUnsignedManifests(boolean value) {
            this.acceptUnsignedManifests = value;
            return this;
        }

        /**
         * Gives the drill server a setting on its command line, over the backup's
         * configuration ({@code shared_buffers}, or {@code shared_preload_libraries} when an
         * extension of the production server is not installed here). Settings the drill needs
         * for its isolation (archiving, streaming, sockets, authentication) cannot be replaced.
         *
         * @param name the setting name
         * @param value its value
         * @return this builder
         */
        public Builder serverSetting(String name, String value) {
            serverSettings.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         * @throws InvalidRequestException if the restore command is missing or not one line, the
         *     account or a setting name is malformed, or the timeout is not positive
         */
        public DrillRequest build() {
            return new DrillRequest(this);
        }
    }
}
