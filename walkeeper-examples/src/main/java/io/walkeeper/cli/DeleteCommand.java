package io.walkeeper.cli;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.DeletionListener;
import io.walkeeper.api.GarbageResult;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.RecoveryTarget;
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
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code delete retain|before|everything|garbage … [--confirm]}: the delete family, with WAL-G's syntax. */
@Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Delete old backups and the archived WAL before the oldest backup kept. Without --confirm "
                + "nothing is deleted: the command says what it would delete.",
                "  delete retain N              keep the newest N backups (full or delta) and what they are built on",
                "  delete retain FIND_FULL N    the same",
                "  delete retain FULL N         keep the newest N full backups and the deltas built on them",
                "    --after TIME|NAME          ... and also every backup that finished at or after TIME, or from NAME on",
                "    --newer-than AGE           ... and also every backup younger than AGE (7d, 12h, 90m, or ISO PT36H)",
                "  delete before [FIND_FULL] NAME|TIME   delete every backup older than NAME (or finished before TIME)",
                "  delete everything [FORCE]    delete every backup and all archived WAL; FORCE deletes permanent ones too",
                "  delete garbage               delete objects of backups that never finished, WAL older than the oldest "
                        + "backup, leftovers of interrupted writes",
                "Permanent backups, the newest backup and whatever a kept delta is built on are always kept (except by "
                        + "everything FORCE); WAL history files are deleted only by everything."})
public final class DeleteCommand implements Callable<Integer> {
    private static final Pattern AGE = Pattern.compile("(\\d+)\\s*([smhdw])", Pattern.CASE_INSENSITIVE);

    @ParentCommand
    WalKeeperCli root;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..3", paramLabel = "ARG", description = "retain [FULL|FIND_FULL] N | before [FIND_FULL] NAME|TIME "
            + "| everything [FORCE] | garbage")
    List<String> args;

    @Option(names = "--confirm", description = "really delete (without it: a dry run)")
    boolean confirm;

    @Option(names = "--after", paramLabel = "TIME|NAME", description = "with retain: also keep backups that finished at or "
            + "after TIME, or NAME and every newer backup")
    String after;

    @Option(names = "--newer-than", paramLabel = "AGE", description = "with retain: also keep backups younger than AGE")
    String newerThan;

    @Option(names = "--progress", negatable = true, description = "with --confirm: show progress on standard error "
            + "(default: only when it is a terminal; --no-progress never)")
    Boolean progress;

    @Override
    public Integer call() {
        String target = args.get(0).toLowerCase(Locale.ROOT);
        if ((after != null || newerThan != null) && !target.equals("retain")) {
            throw new InvalidRequestException("--after and --newer-than go with delete retain only");
        }
        PrintWriter out = spec.commandLine().getOut();
        DeletionListener listener = CliDeletionProgress.choose(progress, spec.commandLine().getErr());
        try (WalKeeper wk = WalKeeperFactory.repository(root.configuration())) {
            String location = wk.store().location().toString();
            switch (target) {
                case "everything" -> {
                    boolean force = args.size() == 2 && args.get(1).equalsIgnoreCase("FORCE");
                    if (args.size() > 2 || (args.size() == 2 && !force)) {
                        throw new InvalidRequestException("delete everything takes only FORCE (usage: delete everything "
                                + "[FORCE] [--confirm])");
                    }
                    print(out, location, wk.backups().deleteEverything(force, !confirm, listener));
                }
                case "garbage" -> {
                    if (args.size() > 1) {
                        throw new InvalidRequestException("delete garbage takes no argument (usage: delete garbage [--confirm])");
                    }
                    print(out, location, wk.backups().collectGarbage(!confirm, listener));
                }
                default -> print(out, location, wk.backups().applyRetention(policy(args, after, newerThan, Clock.systemUTC()),
                        !confirm, listener));
            }
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, String location, RetentionResult result) {
        String verb = result.dryRun() ? "would delete" : "deleted";
        for (BackupInfo b : result.deleted()) {
            out.println(verb + " backup " + b.name());
        }
        out.println(location + ": " + verb + " " + result.deleted().size() + " backup(s) and " + result.walObjectsDeleted()
                + " archived WAL object(s)" + (result.oldestWalSegmentKept() == null ? "" : " before "
                + result.oldestWalSegmentKept()) + "; kept " + result.kept().size() + " backup(s)"
                + (result.kept().isEmpty() ? "" : ": " + String.join(", ", result.kept().stream().map(BackupInfo::name).toList())));
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
    }

    private static void print(PrintWriter out, String location, GarbageResult result) {
        String verb = result.dryRun() ? "would delete" : "deleted";
        for (String name : result.abandonedBackups()) {
            out.println(verb + " the objects of unfinished backup " + name);
        }
        out.println(location + ": " + verb + " " + result.backupObjectsDeleted() + " object(s) of "
                + result.abandonedBackups().size() + " unfinished backup(s), " + result.drillReportsDeleted()
                + " drill report(s) of backups that are gone, " + result.walObjectsDeleted()
                + " archived WAL object(s) older than the oldest backup and " + result.abandonedWrites()
                + " leftover(s) of interrupted writes");
        if (result.dryRun() && (result.backupObjectsDeleted() + result.drillReportsDeleted() + result.walObjectsDeleted()
                + result.abandonedWrites() > 0)) {
            out.println("Nothing was deleted: run again with --confirm to delete.");
        }
    }

    /**
     * Reads WAL-G's {@code retain} and {@code before} arguments.
     *
     * @param args {@code retain [FULL|FIND_FULL] N} or {@code before [FIND_FULL] NAME|TIME}
     * @param after {@code --after TIME|NAME}, or {@code null}
     * @param newerThan {@code --newer-than AGE}, or {@code null}
     * @param clock what "now" is for {@code --newer-than}
     * @return the policy
     * @throws InvalidRequestException naming what is wrong
     */
    static RetentionPolicy policy(List<String> args, String after, String newerThan, Clock clock) {
        String target = args.get(0).toLowerCase(Locale.ROOT);
        if (target.equals("before")) {
            String usage = " (usage: delete before [FIND_FULL] NAME|TIME [--confirm])";
            boolean findFull = args.size() == 3 && args.get(1).equalsIgnoreCase("FIND_FULL");
            if (args.size() < 2 || (args.size() == 3 && !findFull)) {
                throw new InvalidRequestException("delete before needs a backup name or a time" + usage);
            }
            return fromNameOrTime(args.get(args.size() - 1));
        }
        if (!target.equals("retain")) {
            throw new InvalidRequestException("Unknown delete target '" + args.get(0) + "' (usage: delete retain|before|"
                    + "everything|garbage …; see delete --help)");
        }
        RetentionPolicy policy = retain(args);
        if (after != null) {
            policy = policy.or(fromNameOrTime(after));
        }
        if (newerThan != null) {
            policy = policy.or(RetentionPolicy.keepNewerThan(age(newerThan), clock));
        }
        return policy;
    }

    private static RetentionPolicy retain(List<String> args) {
        String usage = " (usage: delete retain [FULL|FIND_FULL] N [--after TIME|NAME] [--newer-than AGE] [--confirm])";
        if (args.size() < 2) {
            throw new InvalidRequestException("The number of backups to retain is missing" + usage);
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
        return switch (modifier) {
            case "FULL" -> RetentionPolicy.keepFullBackups(n);
            case "FIND_FULL" -> RetentionPolicy.keepBackups(n);
            default -> throw new InvalidRequestException("Unknown retention modifier '" + args.get(1)
                    + "': FULL keeps N full backups, FIND_FULL (the default) N backups of any kind" + usage);
        };
    }

    /** A time with a zone (ISO 8601 or PostgreSQL's form) keeps what finished from then on; anything else names a backup. */
    private static RetentionPolicy fromNameOrTime(String text) {
        if (Character.isDigit(text.strip().isEmpty() ? 'x' : text.strip().charAt(0))) {
            return RetentionPolicy.keepFinishedAfter(RecoveryTarget.parseTime(text.strip()));
        }
        return RetentionPolicy.keepFrom(text.strip());
    }

    /**
     * Reads an age: a number with {@code s}, {@code m}, {@code h}, {@code d} or {@code w}, or an
     * ISO 8601 duration such as {@code PT36H}.
     *
     * @param text the age
     * @return the duration
     */
    static Duration age(String text) {
        Matcher m = AGE.matcher(text.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (Character.toLowerCase(m.group(2).charAt(0))) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        }
        try {
            return Duration.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("Cannot read the age '" + text + "': expected e.g. 7d, 12h, 90m, 2w or PT36H");
        }
    }
}
