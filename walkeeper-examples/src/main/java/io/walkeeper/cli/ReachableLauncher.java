package io.walkeeper.cli;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.pgfixture.CommandRunner;
import io.walkeeper.pgfixture.PostgresCluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Makes this tool startable by the OS user PostgreSQL runs as. When this process is root, the
 * server runs as {@code postgres}, which may not be able to read the jar or the launcher (for
 * example under {@code /root}); then the jar and a generated launcher script are copied into a
 * world-readable directory.
 */
final class ReachableLauncher {
    private static final Duration QUICK = Duration.ofSeconds(30);

    private ReachableLauncher() {
    }

    /**
     * Returns a launcher the server's OS user can run.
     *
     * @param current how this process was started
     * @param spareDir where to put a copy if needed (created, world-readable)
     * @return {@code current}, or a copy in {@code spareDir}
     * @throws ConfigurationException if no usable launcher can be made
     */
    static Launcher forServer(Launcher current, Path spareDir) {
        if (!PostgresCluster.runningAsRoot()) {
            return current;
        }
        Path java = Launcher.javaBinary();
        if (!serverUserCan("-x", java)) {
            throw new ConfigurationException("The postgres OS user cannot run " + java + ", so PostgreSQL could not run this "
                    + "tool as its archive_command (HINT: install a JDK it can reach, e.g. under /usr/lib/jvm)");
        }
        Optional<Path> jar = Launcher.runningJar();
        boolean reachable = jar.isPresent() && serverUserCan("-r", jar.get())
                && (current.words().size() > 1 || serverUserCan("-x", Path.of(current.words().get(0))));
        if (reachable) {
            return current;
        }
        if (jar.isEmpty()) {
            throw new ConfigurationException("The postgres OS user cannot run " + current.toShell() + " and this tool does not "
                    + "run from a jar that could be copied (HINT: build it with ./mvnw -q -DskipTests package and use bin/walkeeper)");
        }
        return copy(jar.get(), java, spareDir);
    }

    private static Launcher copy(Path jar, Path java, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path jarCopy = dir.resolve("walkeeper-cli.jar");
            Files.copy(jar, jarCopy, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(jarCopy, PosixFilePermissions.fromString("rw-r--r--"));
            Path script = dir.resolve("walkeeper");
            Files.writeString(script, "#!/bin/sh\n"
                    + "# walkeeper launcher for the PostgreSQL server's OS user, written by 'walkeeper demo'\n"
                    + "exec " + ShellWords.quote(java.toString()) + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k "
                    + ShellWords.quote("-D" + Launcher.PROPERTY + "=" + script) + " -jar " + ShellWords.quote(jarCopy.toString())
                    + " \"$@\"\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            if (!serverUserCan("-x", script) || !serverUserCan("-r", jarCopy)) {
                throw new ConfigurationException("The postgres OS user cannot reach " + dir + " (HINT: choose a --workdir whose "
                        + "parent directories it can traverse, e.g. under /tmp)");
            }
            return Launcher.script(script);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the walkeeper jar into " + dir, e);
        }
    }

    /**
     * Tests a file as the server's OS user.
     *
     * @param test a {@code test} operator such as {@code -r} or {@code -x}
     * @param path the file
     * @return the test's outcome
     */
    static boolean serverUserCan(String test, Path path) {
        List<String> cmd = new ArrayList<>(List.of("test", test, path.toString()));
        return CommandRunner.runAllowingFailure(PostgresCluster.asPostgresUser(cmd), QUICK).succeeded();
    }
}
