package io.walkeeper.cli;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.RetentionPolicy;
import io.walkeeper.api.RetentionResult;
import io.walkeeper.core.WalKeeper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code delete retain [FULL|FIND_FULL] N [--confirm]}: retention, with WAL-G's syntax. */
@Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Delete old backups and the archived WAL before the oldest backup kept. Without --confirm "
                + "nothing is deleted: the command says what it would delete.",
                "  delete retain N            keep the newest N backups (full or delta) and what they are built on",
                "  delete retain FIND_FULL N  the same",
                "  delete retain FULL N       keep the newest N full backups and the deltas built on them",
                "Permanent backups and the newest backup are always kept; WAL history files are never deleted."})
public final class DeleteCommand implements Callable<Integer> {
    @ParentCommand
    WalKeeperCli root;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "2..3", paramLabel = "ARG", description = "retain [FULL|FIND_FULL] N")
    List<String> args;

    @Option(names = "--confirm", description = "really delete (without it: a dry run)")
    boolean confirm;

    @Override
    public Integer call() {
        RetentionPolicy policy = policy(args);
        RetentionResult result;
        String location;
        try (WalKeeper wk = WalKeeperFactory.repository(root.configuration())) {
            result = wk.backups().applyRetention(policy, !confirm);
            location = wk.store().location().toString();
        }
        PrintWriter out = spec.commandLine().getOut();
        String verb = result.dryRun() ? "would delete" : "deleted";
        for (BackupInfo b : result.deleted()) {
            out.println(verb + " backup " + b.name());
        }
        out.println(location + ": " + verb + " " + result.deleted().size() + " backup(s) and " + result.walObjectsDeleted()
                + " archived WAL object(s)" + result.walKeptFrom().map(s -> " before " + s).orElse("") + "; kept "
                + result.kept().size() + " backup(s)" + (result.kept().isEmpty() ? "" : ": " + String.join(", ",
                result.kept().stream().map(BackupInfo::name).toList())));
        if (!result.runningBackups().isEmpty()) {
            out.println("Running backup(s) " + String.join(", ", result.runningBackups()) + ": kept the WAL from their start "
                    + "and the backups they are built on");
        }
        if (!result.expiredLeases().isEmpty()) {
            out.println("WARNING: ignored the lease(s) of " + String.join(", ", result.expiredLeases()) + ": not renewed "
                    + "within WALKEEPER_BACKUP_LEASE_TIMEOUT, so their backups are taken for dead");
        }
        if (result.dryRun() && (!result.deleted().isEmpty() || result.walObjectsDeleted() > 0)) {
            out.println("Nothing was deleted: run again with --confirm to delete.");
        }
        out.flush();
        return 0;
    }

    /**
     * Reads WAL-G's retention arguments.
     *
     * @param args {@code retain [FULL|FIND_FULL] N}
     * @return the policy
     * @throws InvalidRequestException naming what is wrong
     */
    static RetentionPolicy policy(List<String> args) {
        String usage = " (usage: delete retain [FULL|FIND_FULL] N [--confirm])";
        if (args == null || args.isEmpty() || !args.get(0).equalsIgnoreCase("retain")) {
            throw new InvalidRequestException("Unknown delete target '" + (args == null || args.isEmpty() ? "" : args.get(0))
                    + "'" + usage);
        }
        String modifier = args.size() == 3 ? args.get(1).toUpperCase(Locale.ROOT) : "FIND_FULL";
        String count = args.get(args.size() - 1);
        int n;
        try {
            n = Integer.parseInt(count);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("The number of backups to retain must be a whole number, not '" + count + "'"
                    + usage);
        }
        if (args.size() == 2 && !args.get(1).matches("\\d+")) {
            throw new InvalidRequestException("The number of backups to retain is missing" + usage);
        }
        return switch (modifier) {
            case "FULL" -> RetentionPolicy.keepFullBackups(n);
            case "FIND_FULL" -> RetentionPolicy.keepBackups(n);
            default -> throw new InvalidRequestException("Unknown retention modifier '" + args.get(1)
                    + "': FULL keeps N full backups, FIND_FULL (the default) N backups of any kind" + usage);
        };
    }
}
