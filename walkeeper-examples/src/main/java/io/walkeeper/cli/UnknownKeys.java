package io.walkeeper.cli;

import io.walkeeper.api.ConfigurationException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What to do with a configuration key walkeeper does not read. A misspelt {@code WALKEEPER_*} key
 * is an error naming the nearest known key: a typo in an encryption setting must never yield a
 * plaintext repository. A WAL-G key that changes what is stored (encryption, server-side
 * encryption, storage) and that walkeeper does not implement is an error saying what to use
 * instead: a {@code .walg.json} must not silently store something else than its owner configured.
 * Other unknown WAL-G keys are warnings; unrelated environment variables are not looked at.
 */
final class UnknownKeys {
    /** Environment variables of the launcher and the test kit, which are not settings. */
    private static final Set<String> LAUNCHER_VARIABLES = Set.of("WALKEEPER_JAR", "WALKEEPER_JAVA_OPTS", "WALKEEPER_PG_BIN",
            "WALKEEPER_CLASSPATH");
    private static final String PGP_INSTEAD = "walkeeper encrypts with OpenPGP only: use WALKEEPER_PGP_PUBLIC_KEY_PATH to "
            + "encrypt and WALKEEPER_PGP_KEY_PATH with WALKEEPER_PGP_PASSPHRASE to decrypt (WAL-G's WALG_PGP_KEY, "
            + "WALG_PGP_KEY_PATH and WALG_PGP_KEY_PASSPHRASE work as they are) instead";
    private static final String STORAGE_INSTEAD = "walkeeper stores on a file system, S3, Azure or Google Cloud Storage "
            + "only: use WALKEEPER_STORAGE (or WALG_FILE_PREFIX, WALG_S3_PREFIX, WALG_AZ_PREFIX, WALG_GS_PREFIX) instead";
    /** WAL-G keys that change what is stored, which walkeeper does not implement, with what to use instead. */
    private static final Map<String, String> WALG_UNSUPPORTED = unsupported();

    private final List<String> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private static Map<String, String> unsupported() {
        Map<String, String> m = new TreeMap<>();
        for (String k : List.of("WALG_LIBSODIUM_KEY", "WALG_LIBSODIUM_KEY_PATH", "WALG_LIBSODIUM_KEY_TRANSFORM",
                "WALG_GPG_KEY_ID", "WALE_GPG_KEY_ID", "WALG_CSE_KMS_ID", "WALG_CSE_KMS_REGION", "WALG_ENVELOPE_PGP_KEY",
                "WALG_ENVELOPE_PGP_KEY_PATH", "WALG_ENVELOPE_PGP_YC_ENDPOINT", "WALG_ENVELOPE_PGP_YC_CSE_KMS_KEY_ID",
                "WALG_ENVELOPE_PGP_YC_SERVICE_ACCOUNT_KEY_FILE", "WALG_ENVELOPE_CACHE_EXPIRATION")) {
            m.put(k, PGP_INSTEAD);
        }
        for (String k : List.of("WALE_S3_PREFIX", "WALG_SWIFT_PREFIX", "WALG_SSH_PREFIX", "WALE_SWIFT_PREFIX",
                "WALE_GS_PREFIX", "WALE_WABS_PREFIX", "WALG_SH_PREFIX")) {
            m.put(k, STORAGE_INSTEAD);
        }
        m.put("WALG_S3_CSE_KMS_ID", PGP_INSTEAD);
        return Map.copyOf(m);
    }

    /**
     * Looks at one key that is not a setting walkeeper reads.
     *
     * @param key the key
     * @param origin where it came from, for messages (never its value)
     * @param known walkeeper's own keys, for the nearest-key hint
     * @param environment whether it is an environment variable (unrelated ones are skipped)
     */
    void check(String key, String origin, Set<String> known, boolean environment) {
        if (environment && LAUNCHER_VARIABLES.contains(key)) {
            return;
        }
        String instead = WALG_UNSUPPORTED.get(key);
        if (instead != null) {
            errors.add(key + " (" + origin + ") changes what WAL-G stores and walkeeper does not implement it; " + instead);
        } else if (key.startsWith("WALKEEPER_")) {
            String nearest = nearest(key, known);
            errors.add(key + " (" + origin + ") is not a walkeeper setting" + (nearest == null ? "" : "; did you mean "
                    + nearest + "?"));
        } else if (key.startsWith("WALG_") || key.startsWith("WALE_")) {
            warnings.add("Ignoring " + key + " (" + origin + "): walkeeper does not implement this WAL-G setting");
        } else if (!environment) {
            warnings.add("Ignoring " + key + " (" + origin + "): walkeeper does not use it");
        }
    }

    /**
     * Refuses a namespaced key whose namespace no provider on the class path declares: a typo in
     * it ({@code opnpgp.public-key-path}, {@code s33.sse}) must not silently leave a setting off.
     *
     * @param key the key, e.g. {@code opnpgp.public-key-path}
     * @param origin where it came from, for messages (never its value)
     * @param namespaces the declared namespaces, e.g. {@code s3.}
     * @param namespacedKeys the declared keys, for the nearest-key hint
     */
    void unknownNamespace(String key, String origin, Set<String> namespaces, Set<String> namespacedKeys) {
        String nearest = namespacedKeys.stream().min(Comparator.comparingInt((String k) -> distance(key, k))
                .thenComparing(k -> k)).filter(k -> distance(key, k) <= Math.max(3, k.length() / 3)).orElse(null);
        errors.add(key + " (" + origin + ") is in no namespace the providers on the class path declare (" + String.join(
                ", ", namespaces) + ")" + (nearest == null ? "" : "; did you mean " + nearest + "?"));
    }

    /** @return the warnings, one line each */
    List<String> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * Fails if any key was an error.
     *
     * @throws ConfigurationException listing every such key and what to do
     */
    void throwIfAny() {
        if (errors.size() == 1) {
            throw new ConfigurationException("Unknown setting " + errors.get(0) + " (HINT: walkeeper refuses settings it "
                    + "does not know, so that a typo never turns encryption or anything else off; walkeeper --help lists them)");
        }
        if (!errors.isEmpty()) {
            throw new ConfigurationException("Unknown settings: " + String.join("; ", errors) + " (HINT: walkeeper refuses "
                    + "settings it does not know, so that a typo never turns encryption or anything else off)");
        }
    }

    /** The known key closest to {@code key} by edit distance, if it is close enough to be a typo. */
    static String nearest(String key, Set<String> known) {
        return known.stream().filter(k -> k.startsWith("WALKEEPER_"))
                .min(Comparator.comparingInt((String k) -> distance(key, k)).thenComparing(k -> k))
                .filter(k -> distance(key, k) <= Math.max(3, k.length() / 3))
                .orElse(null);
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
