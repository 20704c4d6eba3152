package io.walkeeper.core.pg;

import io.walkeeper.core.PgConnection;
import io.walkeeper.pgfixture.PostgresCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backup session survives the server's session timeouts however short they are: the timeouts
 * are turned off in the connection's startup packet, so not even the moment between connecting
 * and the first statement is exposed to them (a backup's session idles while files are copied,
 * and a busy host can pause between two statements longer than a short idle_session_timeout).
 */
class PgSessionTimeoutsIT {
    @TempDir
    Path tmp;

    @Test
    void timeoutsOfOrdinarySessionsNeverEndTheBackupSession() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x")); // the server's account reads through it
        try (PostgresCluster pg = PostgresCluster.builder().dataDir(tmp.resolve("data")).build()) {
            pg.initdb().start();
            assertTrue(Integer.parseInt(pg.queryString("SELECT current_setting('server_version_num')")) >= 140000,
                    "idle_session_timeout needs PostgreSQL 14 or later");
            // the timeouts of the role the backup logs in as, as a DBA might set them for everyone
            pg.execute("CREATE ROLE backup LOGIN");
            pg.execute("ALTER ROLE backup SET idle_session_timeout = '1ms'");
            pg.execute("ALTER ROLE backup SET idle_in_transaction_session_timeout = '1ms'");
            pg.execute("ALTER ROLE backup SET statement_timeout = '1ms'");
            for (String host : new String[] {pg.socketDir().toString(), "127.0.0.1"}) {
                try (PgSession s = PgSession.open(PgConnection.of(host, pg.port(), "backup"))) {
                    Thread.sleep(300); // idle far longer than the server allows ordinary sessions
                    assertEquals("0", s.queryString("SELECT current_setting('idle_session_timeout')"));
                    assertEquals("0", s.queryString("SELECT current_setting('statement_timeout')"));
                    assertEquals("0", s.queryString("SELECT current_setting('idle_in_transaction_session_timeout')"));
                    assertEquals("1", s.queryString("SELECT 1 FROM pg_sleep(0.05)"));
                }
            }
        }
    }
}
