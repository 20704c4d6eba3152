package io.walkeeper.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The identity of the configuration in effect, which names the directory of push-ahead markers.
 * A marker tells the launcher that a WAL file was archived, so that it answers PostgreSQL without
 * starting a JVM; it may only do so under exactly the configuration that archived the file. The
 * identity is the SHA-256 of: the absolute path of the configuration file read, the SHA-256 of
 * its bytes, and every {@code WALKEEPER_}, {@code WALG_}, {@code WALE_}, {@code AWS_},
 * {@code AZURE_} and {@code GOOGLE_} environment variable as {@code NAME=VALUE}, sorted, with the
 * value of anything that may be secret replaced by {@code *} (no secret, hashed or not, goes
 * into it). {@code bin/walkeeper} computes the same from what it sees; Java computes it from what
 * it actually used, and writes markers only when the two agree. Any difference (another home
 * directory, a file rewritten within the second, a changed variable) means no marker is used.
 */
final class PushAheadIdentity {
    private static final Pattern RELEVANT = Pattern.compile("(WALKEEPER|WALG|WALE|AWS|AZURE|GOOGLE)_[A-Za-z0-9_]*");
    private static final Set<String> NOT_CONFIGURATION = Set.of("WALKEEPER_JAVA_OPTS", "WALKEEPER_JAR", "WALKEEPER_CONFIG");
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_]*(SECRET|PASSWORD|PASSPHRASE|TOKEN|KEY|CONNECTION_STRING)"
            + "[A-Za-z0-9_]*");

    private PushAheadIdentity() {
    }

    /**
     * Computes the identity.
     *
     * @param configFile the configuration file read, or {@code null}
     * @param environment the environment variables
     * @return 32 hex digits
     * @throws IOException if the configuration file cannot be read again
     */
    static String of(Path configFile, Map<String, String> environment) throws IOException {
        StringBuilder text = new StringBuilder("walkeeper push-ahead identity 2\n");
        if (configFile == null) {
            text.append("config=\nconfig-sha256=\n");
        } else {
            Path path = configFile.toAbsolutePath().normalize();
            text.append("config=").append(path).append('\n');
            text.append("config-sha256=").append(sha256(path)).append('\n');
        }
        List<String> lines = new ArrayList<>();
        environment.forEach((name, value) -> {
            if (RELEVANT.matcher(name).matches() && !NOT_CONFIGURATION.contains(name)) {
                lines.add(name + "=" + (SECRET.matcher(name).matches() ? "*" : value));
            }
        });
        lines.sort((a, b) -> java.util.Arrays.compare(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        lines.forEach(l -> text.append(l).append('\n'));
        return HexFormat.of().formatHex(digest().digest(text.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest d = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
