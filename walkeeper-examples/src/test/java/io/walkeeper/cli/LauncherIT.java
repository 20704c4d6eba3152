package io.walkeeper.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/walkeeper} as PostgreSQL runs it: from the data directory, with the server's
 * environment, which may hold nothing but PATH. The launcher must reach the CLI in every case, so
 * that the exit code is the CLI's.
 */
class LauncherIT {
    @TempDir
    Path dir;

    private Process run(Path launcher, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(launcher.toString());
        pb.command().addAll(java.util.List.of(args));
        pb.environment().clear();
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
        pb.directory(dir.toFile());
        pb.redirectErrorStream(true);
        return pb.start();
    }

    @Test
    void walPushWithAnEmptyEnvironmentReachesTheCli() throws Exception {
        CliHarness cli = new CliHarness(dir.resolve("cli"));
        Files.createDirectories(dir.resolve("pg_wal"));
        Files.writeString(dir.resolve("pg_wal/notawal"), "x");
        Process p = run(cli.launcher(), "wal-push", "pg_wal/notawal");
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        String out = new String(p.getInputStream().readAllBytes());
        // no storage is configured in an empty environment: the CLI itself must say so (exit 3)
        assertEquals(3, p.exitValue(), out);
        assertTrue(out.contains("storage"), out);
    }
}
