package io.walkeeper.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.walkeeper.pgfixture.PostgresCluster;
import io.walkeeper.pgfixture.PostgresClusterBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the CLI integration tests set up before a server archives through the CLI: a temporary
 * work directory, a file repository in it, a configuration file naming the repository, and the
 * harness that runs the built CLI. The work directory and the configuration file are readable by
 * everyone, because PostgreSQL runs as the {@code postgres} OS user when this JVM is root and
 * calls the CLI from its {@code archive_command}. Closing the workspace stops the clusters it
 * started and deletes the work directory with all it holds.
 */
final class CliWorkspace implements AutoCloseable {
    private final Path work;
    private final CliHarness cli;
    private final Path repo;
    private final Path config;
    private final List<PostgresCluster> clusters = new ArrayList<>();
    /** The keys of {@link #config()}, in the order written. */
    private final Map<String, Object> keys = new LinkedHashMap<>();

    /** A workspace whose configuration names only the repository. */
    CliWorkspace(String prefix) throws IOException {
        this(prefix, Map.of());
    }

    /**
     * @param prefix the prefix of the temporary work directory's name
     * @param settings further keys of the configuration file (a string or a number each), after
     *     {@code WALKEEPER_STORAGE}
     */
    CliWorkspace(String prefix, Map<String, ?> settings) throws IOException {
        work = Files.createTempDirectory(prefix);
        try {
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
            cli = new CliHarness(work.resolve("cli"));
            repo = Files.createDirectories(work.resolve("repo"));
            config = work.resolve("walkeeper.json");
            keys.put("WALKEEPER_STORAGE", "file://" + repo);
            keys.putAll(settings);
            writeConfig(config, keys);
        } catch (IOException | RuntimeException | Error e) {
            ArchiveBackupPitrIT.deleteTree(work);
            throw e;
        }
    }

    /** @return the work directory, where the tests put their data directories and restores */
    Path work() {
        return work;
    }

    /** @return the harness that runs the built CLI */
    CliHarness cli() {
        return cli;
    }

    /** @return the repository directory the configuration names */
    Path repo() {
        return repo;
    }

    /** @return the configuration file, for {@code --config} */
    Path config() {
        return config;
    }

    /**
     * Writes a second configuration file: this workspace's keys with some added or replaced.
     *
     * @param name the file's name in the work directory
     * @param changes the keys to add or replace
     * @return the file
     */
    Path configWith(String name, Map<String, ?> changes) throws IOException {
        Map<String, Object> changed = new LinkedHashMap<>(keys);
        changed.putAll(changes);
        return writeConfig(work.resolve(name), changed);
    }

    private static Path writeConfig(Path file, Map<String, Object> keys) throws IOException {
        Files.writeString(file, new ObjectMapper().writeValueAsString(keys) + "\n");
        // readable by PostgreSQL's user, whose archive_command and restore_command name it
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    /** @return the {@code archive_command} that pushes each segment into the repository through the CLI */
    String archiveCommand() {
        return "'" + cli.launcher() + "' --config '" + config + "' wal-push %p";
    }

    /**
     * Creates a cluster in {@code name} under the work directory that archives through the CLI
     * into the repository, and starts it.
     */
    PostgresCluster startSource(String name) {
        return startSource(PostgresCluster.builder(), name);
    }

    /**
     * Creates a cluster from a builder that carries the test's own choices (binaries, settings),
     * in {@code name} under the work directory, that archives through the CLI into the
     * repository, and starts it.
     */
    PostgresCluster startSource(PostgresClusterBuilder builder, String name) {
        PostgresCluster pg = builder.dataDir(work.resolve(name)).build();
        clusters.add(pg);
        pg.grantToPostgresUser(repo);
        pg.archiveCommand(archiveCommand());
        pg.initdb().start();
        return pg;
    }

    /** Points the CLI's connection settings (PGHOST, PGPORT, PGUSER) at a running cluster; returns the harness. */
    CliHarness pointAt(PostgresCluster pg) {
        return cli.env("PGHOST", "127.0.0.1").env("PGPORT", Integer.toString(pg.port())).env("PGUSER", PostgresCluster.SUPERUSER);
    }

    /** Stops the clusters this workspace started (closing one twice is harmless) and deletes the work directory. */
    @Override
    public void close() throws IOException {
        for (int i = clusters.size() - 1; i >= 0; i--) {
            clusters.get(i).close();
        }
        ArchiveBackupPitrIT.deleteTree(work);
    }
}
