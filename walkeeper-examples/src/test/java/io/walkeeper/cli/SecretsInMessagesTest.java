package io.walkeeper.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Errors reach PostgreSQL's log and operators' terminals, so no secret may appear in them: a SAS
 * token or user information in a location, a password in an endpoint, an account key in a
 * connection string, a secret setting's value. Each misconfiguration below fails; everything the
 * CLI printed and logged (at debug level, so that stack traces are included) is searched for the
 * secret it used.
 */
class SecretsInMessagesTest {
    @TempDir
    Path dir;

    private record Case(String secret, Map<String, String> env) {
    }

    private static Map<String, String> env(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        m.put("WALKEEPER_LOG_LEVEL", "debug");
        return m;
    }

    @Test
    void noMisconfigurationPrintsTheSecretItCarries() throws IOException {
        Path config = dir.resolve("walkeeper.json");
        Files.writeString(config, "{\"WALKEEPER_STORAGE\": \"azure://backups/pg?sv=2024-01-01&sig=FILESECRETSIG123\"}");
        List<Case> cases = List.of(
                new Case("SASSECRET1", env("WALKEEPER_STORAGE", "azure://backups/pg?sv=2024-01-01&sig=SASSECRET1")),
                new Case("SASSECRET2", env("WALKEEPER_STORAGE",
                        "https://acct.blob.core.windows.net/backups/pg?sv=2024-01-01&se=2030&sig=SASSECRET2")),
                new Case("USERPWSECRET", env("WALKEEPER_STORAGE", "s3://AKIAEXAMPLE:USERPWSECRET@bucket/pg")),
                new Case("WALGSECRET", env("WALG_S3_PREFIX", "s3://user:WALGSECRET@bucket/pg")),
                new Case("FILEURISECRET", env("WALKEEPER_STORAGE", "file://user:FILEURISECRET@localhost/var/pg")),
                new Case("GSSECRET", env("WALKEEPER_STORAGE", "gs://bucket/pg?token=GSSECRET")),
                new Case("ENDPOINTSECRET", env("WALKEEPER_STORAGE", "s3://bucket/pg", "AWS_ENDPOINT",
                        "http://admin:ENDPOINTSECRET@127.0.0.1:9/")),
                new Case("CONNSECRETKEY", env("WALKEEPER_STORAGE", "azure://backups/pg", "AZURE_STORAGE_CONNECTION_STRING",
                        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=CONNSECRETKEY;BlobEndpoint=::bad")),
                new Case("AZKEYSECRET", env("WALKEEPER_STORAGE", "azure://backups/pg", "AZURE_STORAGE_ACCOUNT", "acct",
                        "AZURE_STORAGE_ACCESS_KEY", "AZKEYSECRET-not-base64!", "WALKEEPER_STORAGE_MAX_ATTEMPTS", "1",
                        "WALKEEPER_STORAGE_CALL_TIMEOUT", "5")),
                new Case("PASSPHRASESECRET", env("WALKEEPER_STORAGE", dir.resolve("repo").toUri().toString(),
                        "WALKEEPER_PGP_PASSPHRASE", "PASSPHRASESECRET")),
                new Case("FILESECRETSIG123", env("WALKEEPER_CONFIG", config.toString())));
        List<String> leaks = new ArrayList<>();
        for (Case c : cases) {
            for (String[] args : new String[][] {{"backup-list"}, {"wal-fetch", "000000010000000000000001", "x"}}) {
                String output = run(c.env(), args);
                assertTrue(output.contains("ERROR"), c.secret() + " " + String.join(" ", args) + " fails:\n" + output);
                if (output.contains(c.secret())) {
                    leaks.add(c.secret() + " in the output of " + String.join(" ", args) + ":\n" + output);
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    /** Runs the CLI in this JVM, returning everything it wrote to its streams and to the process's standard error. */
    private String run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        HostEnvironment host = new HostEnvironment(env, dir.resolve("home"), "alice",
                Launcher.script(Path.of("/opt/walkeeper/bin/walkeeper")));
        PrintStream original = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        int code;
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
            code = WalKeeperCli.execute(args, host, new PrintWriter(out), new PrintWriter(err));
        } finally {
            System.setErr(original);
        }
        assertNotEquals(0, code, String.join(" ", args));
        return out + "\n" + err + "\n" + logs.toString(StandardCharsets.UTF_8);
    }
}
