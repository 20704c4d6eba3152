package io.walkeeper.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's first command, {@code walkeeper demo}, through {@code bin/walkeeper}: it must pass and clean up. */
class DemoIT {

    @Test
    void demoProvesPointInTimeRecoveryAndCleansUp() throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("walkeeper.repo.root", "..")).toAbsolutePath().normalize();
        Path parent = Files.createTempDirectory("walkeeper-demo-it");
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path workdir = parent.resolve("work");
        Path output = parent.resolve("demo.out");
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of(root.resolve("bin/walkeeper").toString(), "demo", "--workdir",
                    workdir.toString())).redirectErrorStream(true).redirectOutput(output.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("WALKEEPER_") && !k.equals("WALKEEPER_PG_BIN"));
            Process p = pb.start();
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "demo did not finish");
            String out = Files.readString(output);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("PASS demo_events holds batch 1 only: 100 rows, 0 of batch 2"), out);
            assertTrue(out.contains("PASS pgbench tables equal the source"), out);
            assertTrue(out.contains("Result: PASS"), out);
            assertFalse(out.contains("FAIL "), out);
            assertFalse(Files.exists(workdir), "the work directory is removed without --keep");
        } finally {
            CliBadInputIT.deleteTree(parent);
        }
    }
}
