package io.walkeeper.cli;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.core.WalKeeper;
import io.walkeeper.pgfixture.PostgresCluster;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The steps of {@code walkeeper demo}. The backup and the restore run the CLI's own
 * {@code backup-push} and {@code backup-fetch} in this process; PostgreSQL runs {@code wal-push}
 * and {@code wal-fetch} through the launcher.
 */
final class DemoScenario implements AutoCloseable {
    private static final int STEPS = 8;
    private static final int BATCH = 100;
    private static final String BATCH_DIGEST = "SELECT count(*) || ':' || coalesce(md5(string_agg(id || '|' || note || '|' "
            + "|| extract(epoch FROM at)::text, ',' ORDER BY id)), '-') FROM demo_events";

    private final Path work;
    private final Path binDir;
    private final int scale;
    private final HostEnvironment cliHost;
    private final List<String> unset;
    private final PrintWriter out;
    private final List<String> failures = new ArrayList<>();
    private PostgresCluster source;
    private PostgresCluster restored;
    private PostgresCluster current;
    private int step;
    private String stepTitle = "setup";

    /**
     * Prepares the scenario.
     *
     * @param work the work directory
     * @param binDir PostgreSQL server binaries
     * @param scale pgbench scale
     * @param host the CLI's environment; the in-process commands see none of its variables
     * @param launcher how PostgreSQL starts this tool
     * @param unset environment variables PostgreSQL must not pass on to this tool
     * @param out where the story is told
     */
    DemoScenario(Path work, Path binDir, int scale, HostEnvironment host, Launcher launcher, List<String> unset,
                 PrintWriter out) {
        this.work = work;
        this.binDir = binDir;
        this.scale = scale;
        this.cliHost = host.withVariables(Map.of()).withLauncher(launcher);
        this.unset = List.copyOf(unset);
        this.out = out;
    }

    /**
     * Runs every step and the checks.
     *
     * @param configWriter writes the configuration file
     * @return {@code true} if every check passed
     */
    boolean run(BiConsumer<Path, Map<String, String>> configWriter) {
        try {
            return steps(configWriter);
        } catch (RuntimeException e) {
            out.println();
            out.println("FAILED in step " + step + " (" + stepTitle + "): " + e.getMessage());
            String tail = current == null ? "" : current.logTail(30);
            if (!tail.isBlank()) {
                out.println("--- last lines of " + current.logFile() + " ---");
                out.println(tail);
            }
            out.flush();
            return false;
        }
    }

    private boolean steps(BiConsumer<Path, Map<String, String>> configWriter) {
        Path repo = createDirectory(work.resolve("repo"));
        Path config = work.resolve("walkeeper.json");
        source = PostgresCluster.builder().binDir(binDir).dataDir(work.resolve("pg-source"))
                .logFile(work.resolve("pg-source.log")).build();
        current = source;
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(CliKeys.STORAGE.name(), fileUri(repo).toString());
        settings.put(CliKeys.COMPRESSION.name(), "lz4");
        settings.put(CliKeys.PGDATA.name(), source.dataDir().toString());
        settings.put(CliKeys.PGHOST.name(), "127.0.0.1");
        settings.put(CliKeys.PGPORT.name(), Integer.toString(source.port()));
        settings.put(CliKeys.PGUSER.name(), PostgresCluster.SUPERUSER);
        configWriter.accept(config, settings);
        source.grantToPostgresUser(repo);
        String archiveCommand = ServerCommands.archiveCommand(cliHost.launcher(), config, Map.of(), unset);

        step("Create a cluster (initdb --data-checksums) archiving WAL with%n      archive_command = %s", archiveCommand);
        source.archiveCommand(archiveCommand).initdb().start();
        say("PostgreSQL %s running on port %d", source.queryString("SHOW server_version"), source.port());

        step("Load data: pgbench -i -s %d", scale);
        source.pgbenchInit(scale);
        say("%,d rows in pgbench_accounts", source.queryLong("SELECT count(*) FROM pgbench_accounts"));

        step("Base backup: walkeeper backup-push --full");
        long t0 = System.nanoTime();
        String name = lastLine(cli("--config", config.toString(), "backup-push", "--full"));
        double backupSeconds = seconds(t0);
        source.grantToPostgresUser(repo);
        say("%s in %.1f s", name, backupSeconds);

        step("Write two batches of %d rows into demo_events, with the target time between them", BATCH);
        source.execute("CREATE TABLE demo_events (id int PRIMARY KEY, note text, at timestamptz DEFAULT clock_timestamp())");
        source.execute("INSERT INTO demo_events (id, note) SELECT g, 'batch 1, row ' || g FROM generate_series(1, " + BATCH + ") g");
        pause();
        String target = source.queryString("SELECT now()::text");
        String batchOne = source.queryString(BATCH_DIGEST);
        SortedMap<String, String> atTarget = source.fingerprint();
        pause();
        source.execute("INSERT INTO demo_events (id, note) SELECT g, 'batch 2, row ' || g FROM generate_series("
                + (BATCH + 1) + ", " + (2 * BATCH) + ") g");
        say("batch 1 committed; target time %s; batch 2 committed after it", target);

        step("Switch to a new WAL segment and wait until the archive holds it");
        String segment = source.queryString("SELECT pg_walfile_name(pg_switch_wal())");
        waitFor(Duration.ofMinutes(2), () -> archived(segment), "segment " + segment + " to be archived (failures so far: "
                + "see pg_stat_archiver and the server log)");
        long archivedCount = source.queryLong("SELECT archived_count FROM pg_stat_archiver");
        say("%s archived; archive_command stored %d files so far", segment, archivedCount);

        step("Destroy the cluster: stop it and delete its data directory");
        source.stop();
        source.close();
        deleteTree(source.dataDir());
        say("%s is gone", source.dataDir());

        Path restoredDir = work.resolve("pg-restored");
        List<String> fetch = new ArrayList<>(List.of("--config", config.toString(), "backup-fetch", restoredDir.toString(),
                "LATEST", "--recovery-target-time", target, "--recovery-target-action", "promote"));
        if (!unset.isEmpty()) {
            fetch.addAll(List.of("--restore-command", ServerCommands.restoreCommand(cliHost.launcher(), config, Map.of(), unset)));
        }
        step("Restore: walkeeper backup-fetch %s LATEST --recovery-target-time '%s' --recovery-target-action promote",
                restoredDir, target);
        long t1 = System.nanoTime();
        String summary = cli(fetch.toArray(String[]::new));
        double fetchSeconds = seconds(t1);
        summary.lines().forEach(l -> say("%s", l));

        step("Start PostgreSQL on the restored directory and wait for recovery to end");
        PostgresCluster.fixOwnership(restoredDir);
        restored = PostgresCluster.builder().binDir(binDir).dataDir(restoredDir).logFile(work.resolve("pg-restored.log")).build();
        current = restored;
        long t2 = System.nanoTime();
        restored.start();
        waitFor(Duration.ofMinutes(3), () -> "f".equals(restored.queryString("SELECT pg_is_in_recovery()")),
                "recovery to end (pg_is_in_recovery() = false)");
        double replaySeconds = seconds(t2);
        String timeline = restored.queryString("SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)");
        say("recovery ended after %.1f s; the server is promoted on timeline %d", replaySeconds, Long.parseLong(timeline, 16));
        restored.logTail(400).lines().filter(l -> l.contains("recovery stopping")).findFirst()
                .ifPresent(l -> say("server log: %s", l.replaceFirst("^.*?(LOG|DETAIL):\\s*", "")));

        out.println();
        out.println("Checks:");
        long rows = restored.queryLong("SELECT count(*) FROM demo_events");
        long late = restored.queryLong("SELECT count(*) FROM demo_events WHERE id > " + BATCH);
        check(rows == BATCH && late == 0, "demo_events holds batch 1 only: %d rows, %d of batch 2 (expected %d and 0)",
                rows, late, BATCH);
        String restoredBatch = restored.queryString(BATCH_DIGEST);
        check(restoredBatch.equals(batchOne), "demo_events equals the source at the target time (count:md5 %s)",
                restoredBatch);
        SortedMap<String, String> now = restored.fingerprint();
        List<String> pgbench = atTarget.keySet().stream().filter(k -> k.contains(".pgbench_")).toList();
        List<String> differing = differences(atTarget, now);
        check(!pgbench.isEmpty() && pgbench.stream().noneMatch(differing::contains),
                "pgbench tables equal the source at the target (%d tables, %,d accounts)", pgbench.size(),
                restored.queryLong("SELECT count(*) FROM pgbench_accounts"));
        check(differing.isEmpty(), "every table equals the source at the target (%d tables fingerprinted)%s",
                atTarget.size(), differing.isEmpty() ? "" : "; differing: " + differing);

        report(config, name, backupSeconds, fetchSeconds, replaySeconds, settings.get(CliKeys.COMPRESSION.name()));
        if (!failures.isEmpty()) {
            out.println("FAILED checks: " + String.join("; ", failures));
            out.println("--- last lines of " + restored.logFile() + " ---");
            out.println(restored.logTail(30));
        }
        out.flush();
        return failures.isEmpty();
    }

    private void report(Path config, String backupName, double backupSeconds, double fetchSeconds, double replaySeconds,
                        String codec) {
        try (WalKeeper wk = WalKeeperFactory.repository(CliConfiguration.load(config, cliHost))) {
            BackupInfo b = wk.backups().find(backupName).orElseThrow();
            long segments;
            try (Stream<?> s = wk.store().list("wal/")) {
                segments = s.count();
            }
            out.println();
            out.println("What it proved:");
            out.printf("  - archive_command (wal-push) archived %d WAL files into %s%n", segments, wk.store().location());
            out.printf("  - backup-push took %s in %.1f s: %s of data, %s stored (%s), %d files%n", b.name(), backupSeconds,
                    ByteSizes.format(b.dataSize()), ByteSizes.format(b.storedSize()), codec,
                    b.fileCount());
            out.printf("  - backup-fetch restored it in %.1f s; PostgreSQL then replayed archived WAL via restore_command "
                    + "(wal-fetch) for %.1f s%n", fetchSeconds, replaySeconds);
            out.printf("  - recovery stopped at the target time: batch 1 is back, batch 2 is not, every other table is as it "
                    + "was%n");
            out.printf("Result: %s%n", failures.isEmpty() ? "PASS" : "FAIL");
        }
    }

    @Override
    public void close() {
        for (PostgresCluster c : new PostgresCluster[] {restored, source}) {
            if (c != null) {
                try {
                    c.close();
                } catch (RuntimeException e) {
                    out.println("Could not stop " + c + ": " + e.getMessage());
                }
            }
        }
    }

    private String cli(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = WalKeeperCli.execute(args, cliHost, new PrintWriter(o), new PrintWriter(e));
        if (code != 0) {
            throw new IllegalStateException("walkeeper " + String.join(" ", Arrays.asList(args)) + " exited with code " + code
                    + ": " + e.toString().trim());
        }
        return o.toString();
    }

    private boolean archived(String segment) {
        String last = source.queryString("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver");
        return last.length() >= 24 && last.substring(0, 24).compareTo(segment) >= 0;
    }

    private void check(boolean ok, String format, Object... args) {
        String text = String.format(format, args);
        out.println("  " + (ok ? "PASS " : "FAIL ") + text);
        out.flush();
        if (!ok) {
            failures.add(text);
        }
    }

    private static List<String> differences(Map<String, String> expected, Map<String, String> actual) {
        List<String> out = new ArrayList<>();
        expected.forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                out.add(k);
            }
        });
        actual.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(out::add);
        return out;
    }

    private void step(String format, Object... args) {
        step++;
        stepTitle = String.format(format, args).lines().findFirst().orElse("");
        out.printf("[%d/%d] " + format + "%n", prepend(step, STEPS, args));
        out.flush();
    }

    private void say(String format, Object... args) {
        out.printf("      " + format + "%n", args);
        out.flush();
    }

    private static Object[] prepend(int a, int b, Object[] rest) {
        Object[] all = new Object[rest.length + 2];
        all[0] = a;
        all[1] = b;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }

    private static void waitFor(Duration timeout, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            sleep(200);
        }
    }

    private static void pause() {
        sleep(1100);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new IllegalStateException("backup-push printed no backup name");
        }
        return lines.get(lines.size() - 1).trim();
    }

    private static URI fileUri(Path dir) {
        try {
            return new URI("file", "", dir.toAbsolutePath().normalize().toString(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Cannot make a file URI of " + dir, e);
        }
    }

    private static Path createDirectory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
        }
    }
}
