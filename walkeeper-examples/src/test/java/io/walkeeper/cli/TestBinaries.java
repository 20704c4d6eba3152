package io.walkeeper.cli;

import io.walkeeper.pgfixture.PgBinaries;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Server binaries of one PostgreSQL major: the installed ones, else those the build fetched from
 * Maven Central, unpacked once per test JVM into a directory every test of that JVM shares (and
 * the JVM removes when it exits).
 */
final class TestBinaries {
    private static Path unpacked;

    private TestBinaries() {
    }

    /**
     * @param major the major version, e.g. 12
     * @return the directory holding {@code initdb}, {@code pg_ctl} and {@code postgres}
     */
    static synchronized Path forMajor(int major) throws IOException {
        Optional<Path> installed = PgBinaries.find(major);
        if (installed.isPresent()) {
            return installed.get();
        }
        Path m2 = Path.of(System.getProperty("walkeeper.m2.repository", System.getProperty("user.home") + "/.m2/repository"));
        return PgBinaries.extractZonky(PgBinaries.zonkyJar(m2, major), unpacked().resolve("pg" + major));
    }

    private static Path unpacked() throws IOException {
        if (unpacked == null) {
            // readable by the user PostgreSQL runs as
            Path dir = Files.createTempDirectory("walkeeper-pg-binaries",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    ArchiveBackupPitrIT.deleteTree(dir);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "pg-binaries-cleanup"));
            unpacked = dir;
        }
        return unpacked;
    }
}
