package io.walkeeper.cli;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.WalKeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The {@code walkeeper} command: WAL archiving, base backups and point-in-time restore for
 * PostgreSQL, with the commands and flags of WAL-G. See the package documentation for the exit
 * codes and {@link CliConfiguration} for the settings.
 */
@Command(name = "walkeeper",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        description = {"Continuous WAL archiving, base backups and point-in-time restore for PostgreSQL.",
                "Settings come from --config FILE, else the file named by WALKEEPER_CONFIG, else ~/.walkeeper.json; "
                        + "environment variables override the file. A WAL-G .walg.json works as is."},
        footerHeading = "%nExit codes:%n",
        footer = {
                "   0  success",
                "   1  unexpected internal failure",
                "   2  bad command line (usage printed)",
                "   3  configuration missing or malformed",
                "   4  not found: wal-fetch's 'not in the archive', or no such backup",
                "   5  already exists with different content (nothing overwritten)",
                "   6  integrity: a stored object is corrupt, truncated or unreadable",
                "   7  storage failure (I/O, network, permissions)",
                "   8  PostgreSQL refused or is not in the expected state",
                "   9  invalid request (bad WAL name, missing file, wrong or non-empty directory)",
                "  10  conflict with another operation",
                "  11  interrupted; nothing was committed",
                "  12  wal-verify only: a check warns (segments not archived yet, a newer timeline, no backup)",
                "  13  wal-verify only: a check fails (archived WAL is lost)",
                "  14  backup-drill only: the drill failed (the restored server did not come up, missed its target, "
                        + "or a check failed)",
                " 200  wal-fetch only: the WAL file is in the archive but cannot be used, or the archive cannot be read;",
                "      above 125, so that PostgreSQL stops recovery instead of ending it early"
        })
public final class WalKeeperCli implements Callable<Integer> {
    /** The commands, in the order the usage lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(WalPushCommand.class, WalDaemonCommand.class,
            WalFetchCommand.class, WalPrefetchCommand.class, BackupPushCommand.class, BackupFetchCommand.class,
            BackupListCommand.class, BackupVerifyCommand.class, BackupMarkCommand.class, BackupDrillCommand.class,
            WalShowCommand.class, WalVerifyCommand.class, DeleteCommand.class, DemoCommand.class, SettingsCommand.class,
            CommandLine.HelpCommand.class);

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "JSON configuration file (default: $WALKEEPER_CONFIG, else ~/.walkeeper.json if present)")
    Path configFile;

    @Spec
    CommandSpec spec;

    private final HostEnvironment host;
    private CliConfiguration configuration;
    private ConfigurationException configurationError;

    /**
     * Creates the command for a given environment.
     *
     * @param host environment variables, home directory, user name and launcher
     */
    public WalKeeperCli(HostEnvironment host) {
        this.host = host;
    }

    /**
     * Runs the tool and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(execute(args, HostEnvironment.system(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the tool without exiting.
     *
     * @param args the command line
     * @param host the environment to take settings from
     * @param out standard output
     * @param err standard error (log lines go to the process's standard error)
     * @return the exit status
     */
    public static int execute(String[] args, HostEnvironment host, PrintWriter out, PrintWriter err) {
        WalKeeperCli root = new WalKeeperCli(host);
        CommandLine cl = commandLine(root, args);
        if (cl.getSubcommands().containsKey("help")) {
            // the usage of the whole tool may be printed: list the settings, which takes loading every provider
            List<String> footer = new java.util.ArrayList<>(List.of(cl.getCommandSpec().usageMessage().footer()));
            footer.add("%nSettings (file keys and environment variables; walkeeper settings describes each): "
                    + String.join(", ", CliKeys.ALL.stream().flatMap(k -> k.names().stream()).toList())
                    + "; and the providers' " + String.join(", ", CliConfiguration.providers().environmentNames()) + ".");
            cl.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionStrategy(parseResult -> {
            root.initialize(parseResult);
            return new CommandLine.RunLast().execute(parseResult);
        });
        cl.setExecutionExceptionHandler(WalKeeperCli::report);
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            return reportOutOfMemory(err, e);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * Builds the command line for {@code args}. When they name a command, only that command is
     * registered: picocli builds the model of every registered command by reflection, and with
     * all of them that took about a third of a second of every run, wal-push's and wal-fetch's
     * included. Without a command, with {@code help}, or with a name that is none of them, every
     * command is registered, so that usage, errors and suggestions list them all.
     *
     * @param root the top-level command
     * @param args the command line
     * @return the command line, ready to parse {@code args}
     */
    static CommandLine commandLine(WalKeeperCli root, String[] args) {
        CommandLine cl = new CommandLine(root);
        String named = commandNamed(args);
        Class<?> only = named == null || named.equals("help") ? null
                : SUBCOMMANDS.stream().filter(c -> names(c).contains(named)).findFirst().orElse(null);
        for (Class<?> c : only == null ? SUBCOMMANDS : List.<Class<?>>of(only)) {
            cl.addSubcommand(c);
        }
        return cl;
    }

    /** The first argument that is neither an option of the top-level command nor its value. */
    private static String commandNamed(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--config")) {
                i++;
            } else if (!a.startsWith("--config=")) {
                return a.startsWith("-") ? null : a;
            }
        }
        return null;
    }

    private static List<String> names(Class<?> command) {
        Command c = command.getAnnotation(Command.class);
        List<String> names = new java.util.ArrayList<>(List.of(c.aliases()));
        names.add(c.name());
        return names;
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /**
     * Returns the configuration, loaded before the command runs.
     *
     * @return the configuration
     * @throws ConfigurationException if it could not be loaded
     */
    CliConfiguration configuration() {
        if (configurationError != null) {
            throw configurationError;
        }
        return configuration;
    }

    /** @return the process environment this run uses */
    HostEnvironment host() {
        return host;
    }

    /** Loads the configuration and sets up logging, before the command runs and before any logger exists. */
    private void initialize(ParseResult parseResult) {
        List<CommandLine> commands = parseResult.asCommandLineList();
        Object command = commands.get(commands.size() - 1).getCommand();
        String level = command instanceof DemoCommand ? "warn" : CliKeys.LOG_LEVEL.setting().defaultValue().orElseThrow();
        try {
            configuration = CliConfiguration.load(configFile, host);
            if (configuration.hasLogLevel()) {
                level = configuration.logLevel();
            }
        } catch (ConfigurationException e) {
            configurationError = e;
        }
        LogSetup.configure(level);
        if (configuration != null) {
            Logger log = LoggerFactory.getLogger(WalKeeperCli.class);
            configuration.notes().forEach(log::debug);
            configuration.warnings().forEach(log::info);
        }
    }

    private static int report(Exception e, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        Logger log = LoggerFactory.getLogger(WalKeeperCli.class);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError oom) {
                return reportOutOfMemory(err, oom);
            }
        }
        WalKeeperException known = walKeeperCause(e);
        if (known != null) {
            err.println("ERROR: " + known.getMessage());
            err.flush();
            log.debug("Details of the failure", e);
            return known.errorCode().exitCode();
        }
        err.println("ERROR: unexpected failure: " + e + " (HINT: set WALKEEPER_LOG_LEVEL=debug for the stack trace)");
        err.flush();
        log.debug("Stack trace of the unexpected failure", e);
        return ErrorCode.INTERNAL.exitCode();
    }

    /**
     * Names the heap that ran out and what to do: a backup holds its walk of the data directory,
     * and every command a small index per file of each file list it reads, so a cluster of very
     * many files needs a larger heap than the JVM's default on a small host.
     */
    static int reportOutOfMemory(PrintWriter err, OutOfMemoryError e) {
        err.println("ERROR: walkeeper ran out of Java heap (" + e.getMessage() + "; at most "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB). A backup holds about 150 bytes per file "
                + "of the cluster, a restore or verification about 50 per file and backup of its chain. A backup that "
                + "fails so is not listed and removes its parts (walkeeper delete garbage removes any left); a restore "
                + "removes what it wrote "
                + "(HINT: give the JVM more heap, e.g. WALKEEPER_JAVA_OPTS=-Xmx512m per million files, and run the "
                + "command again)");
        err.flush();
        return ErrorCode.INTERNAL.exitCode();
    }

    private static WalKeeperException walKeeperCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof WalKeeperException w) {
                return w;
            }
        }
        return null;
    }
}
