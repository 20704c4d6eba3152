package io.walkeeper.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A storage provider of one's own, packaged as a plug-in jar (the example provider and its
 * {@code META-INF/services} entry), used by the launcher through {@code WALKEEPER_CLASSPATH}; and
 * the CLI without it names the scheme it has no provider for.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomProviderIT {
    private Path work;
    private Path plugin;
    private CliHarness cli;

    @BeforeAll
    void packagePlugin() throws IOException {
        work = Files.createTempDirectory("walkeeper-provider-it");
        cli = new CliHarness(work.resolve("cli"));
        Path classes = Path.of("target/test-classes");
        plugin = work.resolve("flatdir-provider.jar");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(plugin))) {
            add(jar, classes, "META-INF/services/io.walkeeper.spi.StorageProvider");
            try (Stream<Path> s = Files.list(classes.resolve("io/walkeeper/examples/provider"))) {
                for (Path p : s.filter(p -> p.toString().endsWith(".class") && !p.toString().contains("Test")).toList()) {
                    add(jar, classes, classes.relativize(p).toString());
                }
            }
        }
    }

    private static void add(JarOutputStream jar, Path root, String name) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        try (OutputStream out = new java.io.FilterOutputStream(jar) {
            @Override
            public void close() {
                // the entry ends, not the jar
            }
        }) {
            Files.copy(root.resolve(name), out);
        }
        jar.closeEntry();
    }

    @AfterAll
    void cleanUp() throws IOException {
        ArchiveBackupPitrIT.deleteTree(work);
    }

    @Test
    void theLauncherUsesAProviderFromWalkeeperClasspath() throws Exception {
        Path store = work.resolve("flat-store");
        cli.env("WALKEEPER_STORAGE", "flatdir://" + store);
        CliHarness.Result without = cli.env("WALKEEPER_CLASSPATH", null).run("backup-list");
        assertEquals(3, without.exitCode(), without.toString());
        assertTrue(without.stderr().contains("no storage provider for scheme 'flatdir'")
                && without.stderr().contains("StorageProvider registered through ServiceLoader"), without.toString());

        CliHarness.Result with = cli.env("WALKEEPER_CLASSPATH", plugin.toString()).run("backup-list", "--json");
        assertEquals(0, with.exitCode(), with.toString());
        assertEquals("[]", with.stdout().replaceAll("\\s", ""), with.toString());
        assertTrue(Files.isDirectory(store), "the plug-in's store opened its directory");
        try (Stream<Path> s = Files.list(store)) {
            assertEquals(List.of(), s.toList(), "listing writes nothing");
        }
    }

    @Test
    void theProvidersDeclaredVariableIsMappedWithoutTouchingWalkeeper() throws Exception {
        Path store = work.resolve("flat-store-settings");
        cli.env("WALKEEPER_STORAGE", "flatdir://" + store).env("WALKEEPER_CLASSPATH", plugin.toString());
        CliHarness.Result bad = cli.env("FLATDIR_FSYNC", "maybe").run("backup-list");
        assertEquals(3, bad.exitCode(), bad.toString());
        assertTrue(bad.stderr().contains("FLATDIR_FSYNC") && bad.stderr().contains("true or false"), bad.toString());

        CliHarness.Result off = cli.env("FLATDIR_FSYNC", "off").run("backup-list", "--json");
        assertEquals(0, off.exitCode(), off.toString());

        CliHarness.Result listed = cli.env("FLATDIR_FSYNC", null).run("settings");
        assertEquals(0, listed.exitCode(), listed.toString());
        assertTrue(listed.stdout().contains("flatdir.fsync (FLATDIR_FSYNC)"), listed.stdout());

        CliHarness.Result unset = cli.run("backup-list");
        assertEquals(0, unset.exitCode(), "FLATDIR_FSYNC is unset again: " + unset);
        cli.env("WALKEEPER_CLASSPATH", null);
    }
}
