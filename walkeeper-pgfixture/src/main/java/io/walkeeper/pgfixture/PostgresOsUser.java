package io.walkeeper.pgfixture;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operating-system account PostgreSQL runs as. PostgreSQL refuses to run as root; when this
 * JVM is root, server programs run as the {@code postgres} account through {@code runuser}, and
 * the directories they use are handed to that account first.
 */
final class PostgresOsUser {
    static final String NAME = "postgres";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresOsUser.class);
    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final Duration CHOWN = Duration.ofMinutes(5);
    private static volatile Boolean root;
    private static boolean accountChecked;

    private PostgresOsUser() {
    }

    static boolean runningAsRoot() {
        Boolean known = root;
        if (known == null) {
            known = detectRoot();
            root = known;
        }
        return known;
    }

    private static boolean detectRoot() {
        try {
            CommandResult id = CommandRunner.runAllowingFailure(List.of("id", "-u"), QUICK);
            if (id.succeeded()) {
                return "0".equals(id.output().trim());
            }
        } catch (ClusterException e) {
            LOG.debug("Cannot run 'id -u', falling back to user.name: {}", e.getMessage());
        }
        return "root".equals(System.getProperty("user.name"));
    }

    static List<String> wrap(List<String> command) {
        if (!runningAsRoot()) {
            return List.copyOf(command);
        }
        ensureAccount();
        List<String> wrapped = new ArrayList<>(command.size() + 4);
        wrapped.add("runuser");
        wrapped.add("-u");
        wrapped.add(NAME);
        wrapped.add("--");
        wrapped.addAll(command);
        return List.copyOf(wrapped);
    }

    /** Creates the {@code postgres} account if this JVM is root and the account is missing. */
    static synchronized void ensureAccount() {
        if (accountChecked || !runningAsRoot()) {
            return;
        }
        if (!accountExists()) {
            boolean groupExists = CommandRunner.runAllowingFailure(List.of("getent", "group", NAME), QUICK).succeeded();
            List<String> useradd = new ArrayList<>(List.of("useradd", "--system", "--home-dir", "/var/lib/postgresql",
                    "--no-create-home", "--shell", "/bin/bash"));
            useradd.addAll(groupExists ? List.of("--gid", NAME) : List.of("--user-group"));
            useradd.add(NAME);
            LOG.info("Creating the '{}' OS account to run PostgreSQL (this JVM runs as root)", NAME);
            CommandResult result = CommandRunner.runAllowingFailure(useradd, QUICK);
            if (!result.succeeded() && !accountExists()) {
                result.requireSuccess();
            }
        }
        accountChecked = true;
    }

    private static boolean accountExists() {
        return CommandRunner.runAllowingFailure(List.of("id", "-u", NAME), QUICK).succeeded();
    }

    /** Gives {@code path} (recursively) to the postgres account; does nothing unless root. */
    static void grant(Path path, boolean recursive) {
        if (!runningAsRoot()) {
            return;
        }
        ensureAccount();
        List<String> chown = recursive
                ? List.of("chown", "-R", NAME + ":" + NAME, path.toString())
                : List.of("chown", NAME + ":" + NAME, path.toString());
        CommandRunner.run(chown, CHOWN);
    }

    /**
     * Checks that the postgres account can create files in {@code dir}; does nothing unless root.
     *
     * @throws ClusterException with a hint if it cannot (usually a parent directory is private)
     */
    static void requireWritable(Path dir, String purpose) {
        if (!runningAsRoot()) {
            return;
        }
        String d = dir.toString();
        CommandResult test = CommandRunner.runAllowingFailure(
                wrap(List.of("test", "-d", d, "-a", "-w", d, "-a", "-x", d)), QUICK);
        if (!test.succeeded()) {
            throw new ClusterException("Cannot use " + d + " as " + purpose + ": the '" + NAME
                    + "' OS account cannot write to it (PostgreSQL runs as that account because this JVM is root;"
                    + " hand the directory over with grantToPostgresUser and make every parent directory"
                    + " world-traversable, e.g. chmod o+x)");
        }
    }
}
