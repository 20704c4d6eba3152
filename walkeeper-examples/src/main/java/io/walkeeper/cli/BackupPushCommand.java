package io.walkeeper.cli;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.ConfigurationException;
import io.walkeeper.core.WalKeeper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code backup-push [PGDATA]}: takes a base backup of a running server. */
@Command(name = "backup-push", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Take a base backup of the running server whose data directory is PGDATA, and print its name.",
                "Connects with PGHOST (default 127.0.0.1), PGPORT (5432), PGUSER (your OS user), PGPASSWORD and "
                        + "PGDATABASE (postgres). The backup is usable once the WAL it needs is archived, which it waits for."})
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

    @Override
    public Integer call() {
        CliConfiguration config = root.configuration();
        Path pgdata = dataDirectory != null ? dataDirectory : config.pgData().orElseThrow(() -> new ConfigurationException(
                "backup-push needs the data directory: pass it as an argument or set PGDATA"));
        BackupRequest request = (full ? BackupRequest.full() : BackupRequest.auto()).withPermanent(permanent);
        BackupInfo info;
        try (WalKeeper wk = WalKeeperFactory.withPostgres(config, pgdata, root.host().userName())) {
            info = wk.backups().push(request);
        }
        spec.commandLine().getOut().println(info.name());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
