package io.walkeeper.cli;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.RecoveryTarget;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.RestoreResult;
import io.walkeeper.core.WalKeeper;
import io.walkeeper.core.restore.RecoveryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code backup-fetch DEST NAME|LATEST}: restores a base backup and configures recovery. */
@Command(name = "backup-fetch", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Restore a base backup into DEST (absent or empty) and configure recovery, so that PostgreSQL "
                + "started on DEST replays archived WAL up to the recovery target.",
                "With LATEST and a time or LSN target, the newest backup that finished before the target is used."})
public final class BackupFetchCommand implements Callable<Integer> {
    private static final List<String> SETTING_ORDER = List.of("restore_command", "recovery_target", "recovery_target_time",
            "recovery_target_lsn", "recovery_target_xid", "recovery_target_name", "recovery_target_inclusive",
            "recovery_target_action", "recovery_target_timeline");
    private static final List<String> RECOVERY_TARGETS = List.of("recovery_target", "recovery_target_time",
            "recovery_target_lsn", "recovery_target_xid", "recovery_target_name");
    static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    @ParentCommand
    WalKeeperCli root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DEST", description = "the new data directory; must be absent or empty")
    Path destination;

    @Parameters(index = "1", paramLabel = "NAME|LATEST", description = "the backup (see backup-list), or LATEST")
    String backupName;

    @Mixin
    RecoveryOptions recovery;

    @Option(names = "--target-user-data", paramLabel = "KEY=VALUE|JSON", description = "restore the newest backup (or "
            + "the named one, checked) carrying these labels (repeatable; WAL-G's user data as a JSON object works too)")
    java.util.List<String> targetUserData = new java.util.ArrayList<>();

    @Option(names = "--standby", description = "write standby.signal instead of recovery.signal")
    boolean standby;

    @Option(names = "--accept-unsigned-manifest", description = "in an encrypted repository, restore a backup whose "
            + "manifest has no signature (taken before manifests were signed, or on a host without the private key); a "
            + "signature that does not verify is refused whatever this says")
    boolean acceptUnsigned;

    @Option(names = "--restore-command", paramLabel = "CMD",
            description = "restore_command to write (default: this tool's wal-fetch with the same configuration)")
    String restoreCommand;

    @Option(names = "--tablespace-mapping", paramLabel = "OID=DIR",
            description = "restore the tablespace with this OID into DIR instead of its original location (repeatable)")
    Map<String, Path> tablespaceMapping = new LinkedHashMap<>();

    @Option(names = "--progress", negatable = true, description = "show progress on standard error (default: only "
            + "when it is a terminal; --no-progress never)")
    Boolean progress;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        RecoveryTarget target = recovery.toTarget();
        BackupSelector selector = BackupSelector.named(backupName);
        if (!targetUserData.isEmpty()) {
            selector = selector.withLabels(Labels.parse(targetUserData, true));
        }
        CliConfiguration config = root.configuration();
        RestoreRequest request = RestoreRequest.of(selector, destination.toAbsolutePath().normalize(),
                        restoreCommand != null ? restoreCommand : defaultRestoreCommand(config))
                .target(target)
                .withStandby(standby)
                .withUnsignedManifestsAccepted(acceptUnsigned);
        for (var e : tablespaceMapping.entrySet()) {
            if (!e.getKey().matches("\\d{1,10}")) {
                throw new CommandLine.ParameterException(cl, "--tablespace-mapping needs OID=DIR with a numeric OID, not '"
                        + e.getKey() + "'");
            }
            request = request.withTablespace(e.getKey(), e.getValue().toAbsolutePath().normalize());
        }
        RestoreResult result;
        try (WalKeeper wk = WalKeeperFactory.repository(config)) {
            result = wk.restorer().restore(request, CliProgress.choose(progress, spec.commandLine().getErr()));
        }
        printSummary(cl.getOut(), result, standby);
        if (restoreCommand == null && config.file().isPresent()) {
            cl.getOut().printf("PostgreSQL runs restore_command as the OS user that owns %s: it must be able to read %s "
                    + "and run %s.%n", result.targetDirectory(), config.file().get(), root.host().launcher().toShell());
        }
        cl.getOut().flush();
        return 0;
    }

    private String defaultRestoreCommand(CliConfiguration config) {
        Logger log = LoggerFactory.getLogger(BackupFetchCommand.class);
        List<String> secrets = config.secretsFromEnvironment();
        if (!secrets.isEmpty()) {
            log.warn("The restore_command written does not carry {} (secrets are never written into it): make them available "
                    + "to the PostgreSQL server's environment, or put them in a configuration file and use --config",
                    String.join(", ", secrets));
        }
        return ServerCommands.restoreCommand(root.host().launcher(), config.file().orElse(null), config.walFetchEnvironment(),
                List.of());
    }

    private static String afterRecovery(Map<String, String> settings, boolean standby) {
        if (standby) {
            return "and stays a standby";
        }
        boolean targeted = RECOVERY_TARGETS.stream().anyMatch(k -> !settings.getOrDefault(k, "").isEmpty());
        if (!targeted) {
            return "to its end, then is promoted";
        }
        return "up to the target, then does: " + settings.getOrDefault("recovery_target_action", "pause (the default)");
    }

    private static void printSummary(PrintWriter out, RestoreResult r, boolean standby) {
        BackupInfo b = r.backup();
        Path dir = r.targetDirectory();
        out.printf("Restored backup %s (%s, finished %s UTC, start LSN %s, timeline %s) into %s%n", b.name(),
                b.kind().name().toLowerCase(Locale.ROOT), UTC.format(b.finishTime().truncatedTo(ChronoUnit.SECONDS)),
                b.startLsn(), b.timeline(), dir);
        out.printf("  %d files, %s (%d bytes) in %.1f s%n", r.files(), ByteSizes.format(r.bytes()), r.bytes(),
                r.elapsed().toMillis() / 1000.0);
        out.printf("  %s written; every recovery setting written explicitly at the end of %s (settings an earlier restore "
                + "left are commented out%s):%n", standby ? "standby.signal" : "recovery.signal", dir.resolve("postgresql.auto.conf"),
                standby ? "" : ", and so are primary_conninfo and primary_slot_name: this copy does not stream from another server");
        for (String key : SETTING_ORDER) {
            String v = r.recoverySettings().get(key);
            if (v != null) {
                out.printf("    %s = %s%n", key, RecoveryConfig.quote(v));
            }
        }
        r.recoverySettings().forEach((k, v) -> {
            if (!SETTING_ORDER.contains(k)) {
                out.printf("    %s = %s%n", k, RecoveryConfig.quote(v));
            }
        });
        out.printf("Next step: start PostgreSQL on %s (e.g. pg_ctl -D %s start, as the OS user that owns it).%n", dir,
                ShellWords.quote(dir.toString()));
        out.printf("It replays WAL from the archive %s. Once recovery has ended, remove the recovery settings from "
                + "postgresql.auto.conf.%n", afterRecovery(r.recoverySettings(), standby));
        out.flush();
    }
}
