package io.walkeeper.cli;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.core.WalKeeper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code backup-mark [--impermanent] NAME}: makes a backup permanent, or ordinary again. */
@Command(name = "backup-mark", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Make a backup permanent: retention never deletes it. Marking a delta marks every backup it is "
                + "built on too. With --impermanent, make it ordinary again (refused while a permanent delta is built "
                + "on it).", "Prints each backup whose permanence changed; exits 0 also when nothing had to change."})
public final class BackupMarkCommand implements Callable<Integer> {
    @ParentCommand
    WalKeeperCli root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "the backup (see backup-list)")
    String name;

    @Option(names = {"-i", "--impermanent"}, description = "make the backup ordinary: retention decides again")
    boolean impermanent;

    @Override
    public Integer call() {
        List<BackupInfo> changed;
        try (WalKeeper wk = WalKeeperFactory.repository(root.configuration())) {
            changed = wk.backups().mark(name, !impermanent);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (changed.isEmpty()) {
            out.println(name + " is already " + (impermanent ? "ordinary" : "permanent"));
        }
        for (BackupInfo b : changed) {
            out.println(b.name() + ": " + (b.permanent() ? "permanent" : "ordinary"));
        }
        out.flush();
        return 0;
    }
}
