package io.walkeeper.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the built CLI as a separate process, the way PostgreSQL and a DBA run it. The shaded jar
 * is copied into a world-readable directory, so that PostgreSQL can call it as the
 * {@code postgres} OS user even when the checkout itself is private. The copy is made once per
 * test JVM, with the class-data sharing archive {@code scripts/build-cds.sh} writes for it (as the
 * build writes one for the jar in {@code target/}, unless {@code -Dwalkeeper.cds.skip}), so
 * that the short commands start as fast as in an installation; each harness links to it from its
 * own directory, beside its own copy of the launcher.
 */
final class CliHarness {
    private static Path sharedJar;

    private final Path launcher;
    private final Map<String, String> env = new HashMap<>();

    /** The outcome of one CLI run. */
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    CliHarness(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // the repository's own launcher, in the layout it expects: bin/walkeeper and the jar under target/
        Path target = Files.createDirectories(dir.resolve("walkeeper-examples/target"));
        Path shared = sharedJar();
        Path jar = target.resolve("walkeeper-cli.jar");
        Files.deleteIfExists(jar);
        Files.createSymbolicLink(jar, shared);
        Path archive = shared.resolveSibling(shared.getFileName() + ".jsa");
        if (Files.isRegularFile(archive)) {
            Path link = target.resolve("walkeeper-cli.jar.jsa");
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, archive);
        }
        Path bin = Files.createDirectories(dir.resolve("bin"));
        launcher = bin.resolve("walkeeper");
        Files.copy(repositoryRoot().resolve("bin/walkeeper"), launcher, StandardCopyOption.REPLACE_EXISTING);
        for (Path p : new Path[] {dir.resolve("walkeeper-examples"), target, bin, launcher}) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /**
     * The world-readable copy of the built jar this test JVM's harnesses share, made on first
     * use and removed when the JVM exits; with a class-data sharing archive written for it if the
     * build wrote one for the jar it copies (the archive names the jar's path, so the build's
     * own does not serve a copy).
     */
    private static synchronized Path sharedJar() throws IOException {
        if (sharedJar != null) {
            return sharedJar;
        }
        Path dir = Files.createTempDirectory("walkeeper-cli-jar");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException ignored) {
                // a temporary directory left behind
            }
        }));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path built = builtJar();
        Path jar = dir.resolve("walkeeper-cli.jar");
        Files.copy(built, jar);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        if (Files.isRegularFile(built.resolveSibling(built.getFileName() + ".jsa"))) {
            writeCdsArchive(jar);
        }
        sharedJar = jar;
        return jar;
    }

    /** Runs scripts/build-cds.sh for the copy; without an archive the launcher starts the JVM without one. */
    private static void writeCdsArchive(Path jar) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", repositoryRoot().resolve("scripts/build-cds.sh").toString());
        pb.environment().put("WALKEEPER_JAR", jar.toString());
        pb.redirectErrorStream(true);
        Path log = Files.createTempFile("build-cds", ".log");
        pb.redirectOutput(log.toFile());
        try {
            Process p = pb.start();
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
            if (!p.isAlive() && p.exitValue() != 0) {
                System.err.println("CliHarness: no class-data sharing archive for the CLI copy: " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static Path repositoryRoot() {
        Path target = Path.of(System.getProperty("walkeeper.examples.target", "target")).toAbsolutePath();
        return target.getParent().getParent();
    }

    static Path builtJar() throws IOException {
        Path target = Path.of(System.getProperty("walkeeper.examples.target", "target"));
        Path named = target.resolve("walkeeper-cli.jar");
        if (Files.isRegularFile(named)) {
            return named;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(target, "*cli*.jar")) {
            for (Path p : ds) {
                return p;
            }
        }
        throw new IllegalStateException("The CLI jar is not built under " + target.toAbsolutePath() + " (run mvn package)");
    }

    /** @return the launcher script, usable in archive_command */
    Path launcher() {
        return launcher;
    }

    /** Sets an environment variable for every later run; {@code null} removes it from the run's environment. */
    CliHarness env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** Runs the CLI with the given arguments and returns its exit code and output. */
    Result run(String... args) throws IOException, InterruptedException {
        return start(args).await();
    }

    /** Starts the CLI in the background, in the working directory {@code dir} (or this JVM's if {@code null}). */
    Running start(String... args) throws IOException {
        return startIn(null, args);
    }

    /** Starts the CLI in the background in a working directory, as PostgreSQL runs it in its data directory. */
    Running startIn(Path dir, String... args) throws IOException {
        return startIn(dir, false, args);
    }

    /**
     * Starts the CLI in the background as the OS user PostgreSQL runs as (the {@code postgres}
     * account when this JVM is root), as a resident process beside the server runs.
     */
    Running startAsServerUser(String... args) throws IOException {
        return startIn(null, true, args);
    }

    private Running startIn(Path dir, boolean asServerUser, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.addAll(List.of(args));
        if (asServerUser) {
            cmd = io.walkeeper.pgfixture.PostgresCluster.asPostgresUser(cmd);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().keySet().removeIf(k -> k.startsWith("WALKEEPER_") || k.startsWith("WALG_") || k.startsWith("PG"));
        pb.environment().put("HOME", launcher.getParent().toString());
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Path out = Files.createTempFile("cli", ".out");
        Path err = Files.createTempFile("cli", ".err");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        return new Running(pb.start(), cmd, out, err);
    }

    /** A CLI process running in the background: wait for it, or kill it as {@code kill -9} would. */
    static final class Running {
        private final Process process;
        private final List<String> command;
        private final Path out;
        private final Path err;

        Running(Process process, List<String> command, Path out, Path err) {
            this.process = process;
            this.command = command;
            this.out = out;
            this.err = err;
        }

        /** Waits for the process to end and returns its outcome. */
        Result await() throws IOException, InterruptedException {
            try {
                if (!process.waitFor(10, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError("CLI did not finish: " + command);
                }
                return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }

        /**
         * Sends SIGKILL (the launcher execs the JVM, so this is the JVM itself) and waits for the
         * process to be gone.
         *
         * @return whether it was still running when killed
         */
        boolean kill() throws InterruptedException {
            boolean alive = process.isAlive();
            process.destroyForcibly();
            process.waitFor();
            return alive;
        }
    }
}
