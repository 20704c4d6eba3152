package io.walkeeper.pgfixture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class PgBinariesIT {

    @Test
    void discoversInstalledBinariesAndClientTools() {
        Path bin = PgBinaries.discover();
        assertTrue(Files.isExecutable(bin.resolve("initdb")));
        int major = PgBinaries.majorVersion(bin);
        assertTrue(PgBinaries.availableMajors().contains(major) || !bin.startsWith(PgBinaries.DEBIAN_ROOT));
        assertTrue(Files.isExecutable(PgBinaries.clientTool(bin, "pgbench")));
        assertTrue(Files.isExecutable(PgBinaries.clientTool(bin, "psql")));
    }

    /** Runs only where the zonky PostgreSQL 12 jar is in the local Maven repository. */
    @Test
    void extractsZonkyJarAndRunsACluster() throws Exception {
        Path jar = PgBinaries.zonkyJar(Path.of(System.getProperty("user.home"), ".m2", "repository"), 12);
        assumeTrue(Files.isRegularFile(jar), "zonky jar not downloaded: " + jar);
        Path root = Files.createTempDirectory("walkeeper-zonky-");
        try {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path bin = PgBinaries.extractZonky(jar, root.resolve("pg12"));
            assertEquals(root.resolve("pg12/bin"), bin);
            assertEquals(bin, PgBinaries.extractZonky(jar, root.resolve("pg12")), "a second call reuses the tree");
            assertEquals(12, PgBinaries.majorVersion(bin));

            String previous = System.setProperty(PgBinaries.BINARIES_ROOT_PROPERTY, root.toString());
            try {
                assertEquals(bin, PgBinaries.find(12).orElseThrow());
                assertTrue(PgBinaries.availableMajors().contains(12));
            } finally {
                if (previous == null) {
                    System.clearProperty(PgBinaries.BINARIES_ROOT_PROPERTY);
                } else {
                    System.setProperty(PgBinaries.BINARIES_ROOT_PROPERTY, previous);
                }
            }

            try (PostgresCluster pg = PostgresCluster.builder().binDir(bin).build()) {
                pg.initdb().start();
                assertEquals(12, pg.majorVersion());
                pg.pgbenchInit(1);
                assertTrue(pg.fingerprint().get("postgres.public.pgbench_accounts").startsWith("100000:"));
            }
        } finally {
            FileTrees.deleteRecursively(root);
        }
    }
}
