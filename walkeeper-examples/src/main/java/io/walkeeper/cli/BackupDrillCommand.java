package io.walkeeper.cli;

import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.DrillCheck;
import io.walkeeper.api.DrillReport;
import io.walkeeper.api.DrillRequest;
import io.walkeeper.core.WalKeeper;
import io.walkeeper.core.drill.DrillReports;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code backup-drill [NAME|LATEST]}: restores a backup into a temporary directory, brings it up, checks it, removes it. */
@Command(name = "backup-drill", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Prove that a backup comes up: restore it into a temporary directory, start PostgreSQL there "
                + "(archiving off, no streaming, reachable only through its own socket), wait for recovery to reach the "
                + "target and for promotion, check the archive held all the WAL recovery needed, run pg_amcheck and "
                + "--check-sql, report the time to consistency and to promotion (the measured RTO) and the recovered "
                + "LSN, then stop the server and remove everything.",
                "Exit status: 0 the drill passed, " + BackupDrillCommand.EXIT_FAILED + " it failed (the report names "
                        + "the cause); the usual codes when it cannot start (no such backup, no binaries, …)."})
public final class BackupDrillCommand implements Callable<Integer> {
    /** Exit status of a drill that ran and failed. */
    static final int EXIT_FAILED = 14;

    @ParentCommand
    WalKeeperCli root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME|LATEST", defaultValue = "LATEST",
            description = "the backup (see backup-list), or LATEST (the default)")
    String backupName;

    @Mixin
    RecoveryOptions recovery;

    @Option(names = "--pg-bin", paramLabel = "DIR", description = "bin directory of PostgreSQL of the backup's major "
            + "version (default: /usr/lib/postgresql/N/bin, else /usr/pgsql-N/bin)")
    Path pgBin;

    @Option(names = "--os-user", paramLabel = "ACCOUNT", description = "run the server as this OS account through "
            + "runuser (root only; PostgreSQL refuses to run as root, so a drill run by root needs one, e.g. postgres)")
    String osUser;

    @Option(names = "--role", paramLabel = "ROLE", description = "database role to connect as, a superuser of the "
            + "backed-up cluster (default: PGUSER, else the OS account the server runs as)")
    String role;

    @Option(names = "--check-sql", paramLabel = "SQL", description = "a query that must succeed on the recovered server; "
            + "if its first column is a boolean it must be true, e.g. \"SELECT count(*) > 0 FROM orders\"")
    String checkSql;

    @Option(names = "--check-database", paramLabel = "DB", defaultValue = DrillRequest.CHECK_DATABASE_DEFAULT,
            description = "database --check-sql runs in (default: ${DEFAULT-VALUE})")
    String checkDatabase;

    @Option(names = "--no-amcheck", description = "do not run pg_amcheck (it runs when the bin directory holds it, "
            + "PostgreSQL 14 and later)")
    boolean noAmcheck;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "a server setting over the backup's (repeatable), "
            + "e.g. shared_buffers=128MB, or shared_preload_libraries= when an extension is not installed here")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--work-dir", paramLabel = "DIR", description = "make the temporary directory in DIR (default: the "
            + "system's temporary directory); it needs room for the whole backup")
    Path workDir;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600",
            description = "fail the drill if restore, recovery and checks take longer (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Option(names = "--keep-report", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "store the report in the repository under drills/<backup>/, shown by backup-list --detail "
                    + "(default; --no-keep-report does not)")
    boolean keepReport;

    @Option(names = "--json", description = "print the report as JSON (schema in the README)")
    boolean json;

    @Option(names = "--restore-command", paramLabel = "CMD",
            description = "restore_command for the drill server (default: this tool's wal-fetch with the same configuration)")
    String restoreCommand;

    @Option(names = "--accept-unsigned-manifest", description = "in an encrypted repository, drill a backup whose "
            + "manifest has no signature")
    boolean acceptUnsigned;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (timeoutSeconds <= 0) {
            throw new CommandLine.ParameterException(cl, "--timeout must be a positive number of seconds, not " + timeoutSeconds);
        }
        CliConfiguration config = root.configuration();
        String command = restoreCommand != null ? restoreCommand : ServerCommands.restoreCommand(root.host().launcher(),
                config.file().orElse(null), config.walFetchEnvironment(), List.of());
        String connectAs = role != null ? role : config.pgConnection(osUser != null ? osUser : root.host().userName()).user();
        DrillRequest.Builder request = DrillRequest.builder(BackupSelector.named(backupName), command)
                .recoveryTarget(recovery.toTarget())
                .binDirectory(pgBin == null ? null : pgBin.toAbsolutePath().normalize())
                .workDirectory(workDir == null ? null : workDir.toAbsolutePath().normalize())
                .osUser(osUser)
                .role(connectAs)
                .amcheck(!noAmcheck)
                .checkSql(checkSql)
                .checkDatabase(checkDatabase)
                .timeout(Duration.ofSeconds(timeoutSeconds))
                .keepReport(keepReport)
                .acceptUnsignedManifests(acceptUnsigned);
        settings.forEach(request::serverSetting);
        DrillReport report;
        try (WalKeeper wk = WalKeeperFactory.repository(config)) {
            report = wk.restorer().drill(request.build());
        }
        PrintWriter out = cl.getOut();
        out.print(json ? DrillReports.toJson(report) + "\n" : text(report, keepReport));
        out.flush();
        return report.ok() ? 0 : EXIT_FAILED;
    }

    /**
     * Writes a report for people.
     *
     * @param r the report
     * @param kept whether it was stored in the repository
     * @return lines ending in a newline
     */
    static String text(DrillReport r, boolean kept) {
        StringBuilder sb = new StringBuilder();
        sb.append("Drill of backup ").append(r.backup()).append(" (recovery target: ").append(r.recoveryTarget())
                .append("): ").append(r.ok() ? "PASSED" : "FAILED").append('\n');
        if (!r.ok()) {
            sb.append("  cause:            ").append(r.failure()).append('\n');
        }
        sb.append("  restore:          ").append(seconds(r.restoreDuration())).append('\n');
        sb.append("  consistent after: ").append(seconds(r.timeToConsistency())).append('\n');
        sb.append("  promoted after:   ").append(seconds(r.timeToPromotion()))
                .append(r.timeToPromotion() == null ? "" : " (measured RTO, from the start of the restore)").append('\n');
        if (r.recoveredLsn() != null) {
            sb.append("  recovered to:     LSN ").append(r.recoveredLsn())
                    .append(r.recoveredTimeline() == null ? "" : " on timeline " + r.recoveredTimeline().asLong())
                    .append(", last transaction ").append(r.lastReplayedTransactionTime() == null ? "none replayed"
                            : BackupFetchCommand.UTC.format(r.lastReplayedTransactionTime().truncatedTo(ChronoUnit.SECONDS))
                            + " UTC").append('\n');
        }
        sb.append("  WAL restored:     ").append(r.walSegmentsRestored()).append(" file(s) from the archive")
                .append(r.pgVersion() == null ? "" : ", by PostgreSQL " + r.pgVersion()).append('\n');
        for (DrillCheck c : r.checks()) {
            sb.append(String.format(Locale.ROOT, "  check %-15s %-7s %s%n", c.name(), c.status(), c.detail().replace("\n", "\n      ")));
        }
        sb.append("  total:            ").append(seconds(r.totalDuration())).append("; the drill's server was stopped and "
                + "its directory removed").append('\n');
        if (kept) {
            sb.append("  report kept in the repository under ").append(DrillReports.PREFIX).append(r.backup()).append("/\n");
        }
        return sb.toString();
    }

    private static String seconds(Duration d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
