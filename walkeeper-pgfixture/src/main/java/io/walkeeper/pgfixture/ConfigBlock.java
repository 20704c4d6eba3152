package io.walkeeper.pgfixture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fixture's block of settings at the end of {@code postgresql.conf}, between two marker
 * lines. Rewritten before every start, so that a data directory restored from a backup of another
 * fixture cluster (whose configuration still names that cluster's port and socket directory) runs
 * with this fixture's settings. Later lines win in {@code postgresql.conf}, so the block overrides
 * whatever precedes it.
 */
final class ConfigBlock {
    static final String BEGIN = "# BEGIN walkeeper-testkit settings (rewritten on every start)";
    static final String END = "# END walkeeper-testkit settings";

    private ConfigBlock() {
    }

    /** Replaces (or appends) the block in {@code dataDir/postgresql.conf}. */
    static void write(Path dataDir, Map<String, String> settings) {
        Path conf = dataDir.resolve("postgresql.conf");
        try {
            List<String> lines = Files.exists(conf)
                    ? new ArrayList<>(Files.readAllLines(conf, StandardCharsets.UTF_8))
                    : new ArrayList<>();
            int begin = lines.indexOf(BEGIN);
            int end = lines.indexOf(END);
            if (begin >= 0 && end > begin) {
                lines.subList(begin, end + 1).clear();
            }
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
                lines.remove(lines.size() - 1);
            }
            lines.add("");
            lines.add(BEGIN);
            settings.forEach((key, value) -> lines.add(key + " = " + quote(value)));
            lines.add(END);
            Files.write(conf, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write settings to " + conf, e);
        }
    }

    /** Quotes a value the way postgresql.conf reads it; a quoted value suits every setting type. */
    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
