package io.walkeeper.cli;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.BackupStatistics;
import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.CorruptPage;
import io.walkeeper.core.WalKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code backup-push [PGDATA]}: takes a base backup of a running server. */
@Command(name = "backup-push", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Take a base backup of the running server whose data directory is PGDATA, and print its name.",
                "Connects with PGHOST (default 127.0.0.1), PGPORT (5432), PGUSER (your OS user), PGPASSWORD and "
                        + "PGDATABASE (postgres). The backup is usable once the WAL it needs is archived, which it waits for.",
                "The backup is a delta of an earlier one when WALKEEPER_DELTA_MAX_STEPS is above 0 and the chain allows it "
                        + "(WALKEEPER_DELTA_ORIGIN chooses the parent), else full. Pages whose checksum is wrong are "
                        + "reported on standard error; the backup still completes unless --fail-on-corrupt-page is given."})
public final class BackupPushCommand implements Callable<Integer> {
    @ParentCommand
    WalKeeperCli root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PGDATA",
            description = "the server's data directory (default: the PGDATA setting)")
    Path dataDirectory;

    @Option(names = "--full", description = "take a full backup even where a delta would be allowed")
    boolean full;

    @Option(names = "--permanent", description = "keep this backup whatever the retention policy says")
    boolean permanent;

    @Option(names = "--fail-on-corrupt-page",
            description = "fail (no backup is written) when a data page's checksum is wrong, instead of completing "
                    + "the backup and listing the pages on standard error")
    boolean failOnCorruptPage;

    @Option(names = "--annotation", paramLabel = "KEY=VALUE", description = "a label stored with the backup, shown by "
            + "backup-list and selectable with backup-fetch --target-user-data (repeatable; adds to WALKEEPER_BACKUP_LABELS)")
    List<String> annotations = new ArrayList<>();

    @Option(names = "--progress", negatable = true, description = "show progress on standard error (default: only "
            + "when it is a terminal; --no-progress never)")
    Boolean progress;

    @Override
    public Integer call() {
        CliConfiguration config = root.configuration();
        Path pgdata = dataDirectory != null ? dataDirectory : config.pgData().orElseThrow(() -> new ConfigurationException(
                "backup-push needs the data directory: pass it as an argument or set PGDATA"));
        BackupRequest request = (full ? BackupRequest.full() : BackupRequest.auto()).withPermanent(permanent)
                .withFailOnCorruptPage(failOnCorruptPage);
        Map<String, String> labels = new LinkedHashMap<>(config.backupLabels());
        labels.putAll(Labels.parse(annotations, false));
        for (Map.Entry<String, String> label : labels.entrySet()) {
            request = request.withLabel(label.getKey(), label.getValue());
        }
        BackupInfo info;
        try (WalKeeper wk = WalKeeperFactory.withPostgres(config, pgdata, root.host().userName())) {
            info = wk.backups().push(request, CliProgress.choose(progress, spec.commandLine().getErr()));
        }
        // scripts read the name from the first (and only) line of standard output
        spec.commandLine().getOut().println(info.name());
        spec.commandLine().getOut().flush();
        Logger log = LoggerFactory.getLogger(BackupPushCommand.class);
        log.info(summary(info));
        if (!info.corruptPages().isEmpty()) {
            // not a log line: no log level may hide it; the backup completed, so the exit status stays 0
            PrintWriter err = spec.commandLine().getErr();
            corruptPageWarning(info).forEach(err::println);
            err.flush();
        }
        return 0;
    }

    /**
     * Describes what a backup read and stored, on one line.
     *
     * @param info the completed backup
     * @return e.g. {@code Backup base_… is a delta of base_…: read 1.2 GiB, stored 35.0 MiB; …}
     */
    static String summary(BackupInfo info) {
        BackupStatistics s = info.statistics();
        String kind = info.kind() == BackupKind.DELTA
                ? "a delta of " + info.parent().orElse("?")
                : info.kind().name().toLowerCase(Locale.ROOT);
        String unread = s.filesSkippedUnread() == 0 ? ""
                : String.format(Locale.ROOT, " (%d of them, %s, not read)", s.filesSkippedUnread(),
                        ByteSizes.format(s.bytesSkippedUnread()));
        return String.format(Locale.ROOT, "Backup %s is %s: read %s, stored %s; pages scanned %d, stored %d; "
                        + "files stored whole %d, as delta %d, unchanged %d%s", info.name(), kind,
                ByteSizes.format(s.bytesRead()), ByteSizes.format(s.bytesStored()), s.pagesScanned(), s.pagesStored(),
                s.filesStoredWhole(), s.filesStoredAsDelta(), s.filesSkippedUnchanged(), unread);
    }

    /**
     * Warns about pages whose checksum failed while the backup read them.
     *
     * @param info the completed backup
     * @return the warning's lines, one per corrupt page between a heading and a hint; empty when
     *     every page was fine
     */
    static List<String> corruptPageWarning(BackupInfo info) {
        int n = info.corruptPages().size();
        if (n == 0) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        lines.add("WARNING: backup " + info.name() + " completed, but " + n + (n == 1 ? " data page has" : " data pages have")
                + " a wrong checksum (read twice); the backup holds " + (n == 1 ? "it" : "them") + " as read:");
        for (CorruptPage p : info.corruptPages()) {
            lines.add("  " + p);
        }
        lines.add("HINT: check the storage under the data directory (disk, controller, file system) and run pg_amcheck "
                + "on the affected relations; restoring this backup brings these pages back as read. With "
                + "--fail-on-corrupt-page backup-push fails instead.");
        return lines;
    }
}
