package io.walkeeper.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.pgfixture.PgBinaries;
import io.walkeeper.pgfixture.PostgresCluster;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code walkeeper demo}: proves point-in-time recovery end to end on a throw-away PostgreSQL.
 * It archives WAL with {@code wal-push}, takes a base backup with {@code backup-push}, writes two
 * batches of rows with a target time between them, destroys the cluster, restores with
 * {@code backup-fetch LATEST --recovery-target-time}, lets PostgreSQL replay WAL fetched by
 * {@code wal-fetch}, and checks that exactly the first batch came back. Every step runs the same
 * code as the command it names.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Prove point-in-time recovery end to end on a throw-away PostgreSQL cluster: archive WAL, back up, "
                + "write rows, destroy the cluster, restore to a time between two batches and check the data.",
                "Needs PostgreSQL's initdb, pg_ctl, psql and pgbench (scripts/install-postgres.sh installs them). "
                        + "Exits 0 only if every check passes."})
public final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    WalKeeperCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--keep", description = "keep the work directory (clusters' data, repository, logs) at the end")
    boolean keep;

    @Option(names = "--scale", paramLabel = "N", defaultValue = "1",
            description = "pgbench scale factor: N × 100,000 accounts (default: ${DEFAULT-VALUE})")
    int scale;

    @Option(names = "--workdir", paramLabel = "DIR", description = "work directory, absent or empty (default: a new temporary directory)")
    Path workdir;

    private boolean workdirExisted;

    @Option(names = "--pg-bin", paramLabel = "DIR", description = "PostgreSQL server binaries (default: discovered)")
    Path pgBin;

    @Override
    public Integer call() {
        if (scale < 1 || scale > 1000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--scale must be between 1 and 1000, not " + scale);
        }
        if (pgBin != null && !Files.isExecutable(pgBin.resolve("initdb"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--pg-bin " + pgBin + " holds no executable initdb");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path work = prepareWorkDirectory();
        out.println("walkeeper demo: point-in-time recovery, end to end");
        out.println("Work directory: " + work + (keep ? " (kept: --keep)" : " (removed at the end unless --keep)"));
        out.flush();
        DemoScenario scenario = null;
        boolean passed = false;
        try {
            Launcher launcher = ReachableLauncher.forServer(root.host().launcher(), work.resolve("cli"));
            Path bin = pgBin != null ? pgBin.toAbsolutePath() : PgBinaries.discover();
            scenario = new DemoScenario(work, bin, scale, root.host(), launcher, configKeysToUnset(), out);
            passed = scenario.run(this::writeConfig);
            return passed ? 0 : 1;
        } finally {
            if (scenario != null) {
                scenario.close();
            }
            if (keep) {
                out.println("Kept " + work);
            } else if (passed) {
                deleteTree(work, workdirExisted);
            } else {
                out.println("Kept " + work + " for inspection (logs: pg-source.log, pg-restored.log); delete it when done");
            }
            out.flush();
        }
    }

    /**
     * Writes the configuration file PostgreSQL's archive and restore commands use.
     *
     * @param file the file
     * @param settings key to value
     */
    void writeConfig(Path file, Map<String, String> settings) {
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), new LinkedHashMap<>(settings));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** Settings in this process's environment would override the demo's file when PostgreSQL runs the tool. */
    private List<String> configKeysToUnset() {
        return root.host().variables().keySet().stream().filter(CliConfiguration.knownKeys()::contains).sorted().toList();
    }

    private Path prepareWorkDirectory() {
        try {
            Path work;
            boolean existed = false;
            workdirExisted = false;
            if (workdir == null) {
                work = Files.createTempDirectory("walkeeper-demo-");
            } else {
                work = workdir.toAbsolutePath().normalize();
                existed = Files.exists(work);
                if (existed) {
                    try (Stream<Path> s = Files.list(work)) {
                        if (s.findAny().isPresent()) {
                            throw new InvalidRequestException("Cannot use " + work + " as the demo's work directory: it is not "
                                    + "empty (HINT: give a new or empty --workdir); nothing was changed");
                        }
                    }
                }
                Files.createDirectories(work);
            }
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
            if (PostgresCluster.runningAsRoot() && !ReachableLauncher.serverUserCan("-x", work)) {
                deleteTree(work, existed);
                throw new InvalidRequestException("Cannot use " + work + " as the demo's work directory: PostgreSQL runs as the "
                        + "postgres OS user (this process is root), which cannot reach it (HINT: choose a --workdir whose "
                        + "parent directories are world-traversable, e.g. under /tmp)");
            }
            workdirExisted = existed;
            return work;
        } catch (IOException e) {
            throw new InvalidRequestException("Cannot create the demo's work directory: " + e.getMessage(), e);
        }
    }

    /** Deletes what is under {@code dir}, and {@code dir} itself unless it existed before the demo. */
    private static void deleteTree(Path dir, boolean keepDirectory) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                if (!(keepDirectory && p.equals(dir))) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            System.err.println("walkeeper demo: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
