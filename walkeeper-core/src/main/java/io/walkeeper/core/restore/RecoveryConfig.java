package io.walkeeper.core.restore;

import io.walkeeper.api.RestoreRequest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the recovery configuration of PostgreSQL 12+: a signal file and a block of settings at
 * the end of {@code postgresql.auto.conf}, which the server reads last.
 *
 * <p>A restored data directory carries the {@code postgresql.auto.conf} of the cluster it was
 * backed up from, and that file may hold recovery settings of an earlier restore (ALTER SYSTEM
 * rewrites the file and keeps them as plain settings). So every setting the restore manages is
 * written explicitly, unset targets as empty strings and the others at PostgreSQL's defaults;
 * earlier lines setting them are commented out, with a line saying why, and blocks an earlier
 * restore added are removed. A restore that is not a standby never streams from another server:
 * {@code primary_conninfo} and {@code primary_slot_name} are commented out and set empty.
 */
public final class RecoveryConfig {
    static final String BEGIN = "# BEGIN walkeeper recovery settings";
    static final String END = "# END walkeeper recovery settings";
    /** The header line of the blocks walkeeper wrote before it had begin and end markers. */
    private static final String LEGACY_HEADER = "# Recovery settings added by walkeeper";
    private static final String COMMENTED = "# walkeeper: ";

    /** The recovery targets, of which PostgreSQL accepts at most one set. */
    static final List<String> TARGETS = List.of("recovery_target", "recovery_target_time", "recovery_target_xid",
            "recovery_target_lsn", "recovery_target_name");
    /** The other settings a restore manages, with PostgreSQL's defaults. */
    private static final Map<String, String> DEFAULTS = defaults();
    /** Settings that make a server stream from another one: kept only for a standby. */
    static final List<String> STREAMING = List.of("primary_conninfo", "primary_slot_name");

    private static final Pattern SETTING_LINE = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*(=|\\s|$)");

    private RecoveryConfig() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("recovery_target_inclusive", "on");
        d.put("recovery_target_action", "pause");
        d.put("recovery_target_timeline", "latest");
        return d;
    }

    /**
     * Returns every recovery setting a restore writes, in the order written: the restore command,
     * the unset targets (empty) before the one set (PostgreSQL refuses a second target assigned
     * after a set one), then inclusive, action and timeline, PostgreSQL's default where the
     * request leaves them.
     *
     * @param request the restore request
     * @return setting name to unquoted value
     */
    public static Map<String, String> settings(RestoreRequest request) {
        Map<String, String> requested = request.recoveryTarget().settings();
        Map<String, String> s = new LinkedHashMap<>();
        s.put("restore_command", request.restoreCommand());
        TARGETS.stream().filter(t -> !requested.containsKey(t)).forEach(t -> s.put(t, ""));
        TARGETS.stream().filter(requested::containsKey).forEach(t -> s.put(t, requested.get(t)));
        DEFAULTS.forEach((k, v) -> s.put(k, requested.getOrDefault(k, v)));
        if (!request.standby()) {
            STREAMING.forEach(k -> s.put(k, ""));
        }
        return s;
    }

    /**
     * Quotes a value as {@code postgresql.conf} wants it.
     *
     * @param value the raw value
     * @return the value in single quotes, inner quotes doubled
     */
    public static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /**
     * Rewrites {@code postgresql.auto.conf} with the recovery block and creates the signal file.
     * Both are created 0600 and synced by {@code files}.
     */
    static void write(Path dataDir, String backupName, Map<String, String> settings, boolean standby,
                      RestoreFiles files) throws IOException {
        Path auto = dataDir.resolve("postgresql.auto.conf");
        String existing = Files.exists(auto) ? Files.readString(auto, StandardCharsets.UTF_8) : null;
        files.writeFile(auto, rewrite(existing, backupName, settings, standby, Instant.now()), true);
        files.writeFile(dataDir.resolve(standby ? "standby.signal" : "recovery.signal"), "", false);
    }

    /**
     * The new content of {@code postgresql.auto.conf}.
     *
     * @param existing the restored file's content, or {@code null} if the backup had none
     * @param backupName the backup restored, named in comments
     * @param settings what {@link #settings} returned
     * @param standby whether the restore is a standby (streaming settings are kept)
     * @param now when, for the comments
     * @return the file's content
     */
    static String rewrite(String existing, String backupName, Map<String, String> settings, boolean standby, Instant now) {
        List<String> out = new ArrayList<>();
        if (existing == null) {
            out.add("# Do not edit this file manually!");
            out.add("# It will be overwritten by the ALTER SYSTEM command.");
        } else {
            out.addAll(withoutEarlierRecoverySettings(existing, backupName, settings.keySet(), standby));
        }
        while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
            out.remove(out.size() - 1);
        }
        out.add(BEGIN + " (restore of " + backupName + " at " + now + ")");
        out.add("# Every recovery setting is given here, so that none left by an earlier restore applies; remove this");
        out.add("# block once recovery has finished." + (standby ? "" : " A restore that is not a standby does not stream"
                + " from another server."));
        settings.forEach((k, v) -> out.add(k + " = " + quote(v)));
        out.add(END);
        return String.join("\n", out) + "\n";
    }

    private static List<String> withoutEarlierRecoverySettings(String existing, String backupName, Set<String> managed,
                                                              boolean standby) {
        List<String> out = new ArrayList<>();
        boolean inBlock = false;
        String[] lines = existing.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            if (trimmed.startsWith(COMMENTED.strip())) {
                i++; // an earlier restore's note and the line it commented out
                continue;
            }
            if (trimmed.startsWith(BEGIN)) {
                inBlock = true;
                continue;
            }
            if (inBlock) {
                inBlock = !trimmed.equals(END);
                continue;
            }
            if (trimmed.startsWith(LEGACY_HEADER)) {
                continue;
            }
            Matcher m = SETTING_LINE.matcher(line);
            String key = m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
            if (key != null && (managed.contains(key) || (!standby && STREAMING.contains(key)))) {
                out.add(COMMENTED + (STREAMING.contains(key)
                        ? "a restore that is not a standby must not stream from another server (restore of " + backupName + ")"
                        : "the restore of " + backupName + " sets every recovery setting below"));
                out.add("# " + line);
            } else {
                out.add(line);
            }
        }
        return out;
    }
}
