package io.walkeeper.cli;

import io.walkeeper.pgfixture.PgBinaries;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Server binaries of one PostgreSQL major: the installed ones, else those the build fetched from Maven Central. */
final class TestBinaries {
    private TestBinaries() {
    }

    /**
     * @param major the major version, e.g. 12
     * @param scratch a directory to unpack fetched binaries into
     * @return the directory holding {@code initdb}, {@code pg_ctl} and {@code postgres}
     */
    static Path forMajor(int major, Path scratch) throws IOException {
        Optional<Path> installed = PgBinaries.find(major);
        if (installed.isPresent()) {
            return installed.get();
        }
        Path m2 = Path.of(System.getProperty("walkeeper.m2.repository", System.getProperty("user.home") + "/.m2/repository"));
        return PgBinaries.extractZonky(PgBinaries.zonkyJar(m2, major), scratch.resolve("pg" + major));
    }
}
