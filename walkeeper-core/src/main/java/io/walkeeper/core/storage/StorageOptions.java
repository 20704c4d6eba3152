package io.walkeeper.core.storage;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.Setting;
import io.walkeeper.spi.SettingsReader;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings shared by every storage provider, under the {@code storage.} namespace: how calls are
 * retried and limited. Provider settings ({@code s3.*}, {@code azure.*}, …) are passed on to the
 * provider untouched.
 *
 * @param maxAttempts attempts per call, including the first ({@value #MAX_ATTEMPTS}, default 5)
 * @param initialBackoff wait before the second attempt; doubled for each further one, with jitter
 *     ({@value #INITIAL_BACKOFF_MS}, default 200 ms)
 * @param maxBackoff longest wait between attempts ({@value #MAX_BACKOFF_MS}, default 10 s)
 * @param callTimeout how long one attempt may go without progress (no byte moved) before it is
 *     abandoned and retried ({@value #CALL_TIMEOUT_SECONDS}, default 15 min)
 * @param maxBytesPerSecond network bytes per second, uploads and downloads together, 0 = no limit
 *     ({@value #MAX_BYTES_PER_SECOND})
 * @param uploadConcurrency objects written at once, 0 = no limit ({@value #UPLOAD_CONCURRENCY})
 * @param downloadConcurrency objects read at once, 0 = no limit ({@value #DOWNLOAD_CONCURRENCY})
 */
public record StorageOptions(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration callTimeout,
                             long maxBytesPerSecond, int uploadConcurrency, int downloadConcurrency) {
    /** Namespace of these settings. */
    public static final String PREFIX = "storage.";
    /** Setting: attempts per call. */
    public static final String MAX_ATTEMPTS = "storage.retry.max-attempts";
    /** Setting: first backoff in milliseconds. */
    public static final String INITIAL_BACKOFF_MS = "storage.retry.initial-backoff-ms";
    /** Setting: longest backoff in milliseconds. */
    public static final String MAX_BACKOFF_MS = "storage.retry.max-backoff-ms";
    /** Setting: deadline of a call in seconds. */
    public static final String CALL_TIMEOUT_SECONDS = "storage.call-timeout-seconds";
    /** Setting: network bytes per second. */
    public static final String MAX_BYTES_PER_SECOND = "storage.max-bytes-per-second";
    /** Setting: objects written at once. */
    public static final String UPLOAD_CONCURRENCY = "storage.upload-concurrency";
    /** Setting: objects read at once. */
    public static final String DOWNLOAD_CONCURRENCY = "storage.download-concurrency";
    /**
     * Every {@code storage.} setting, with the environment variables a command-line tool maps
     * onto it (walkeeper's, then WAL-G's).
     */
    public static final List<Setting> SETTINGS = List.of(
            Setting.integer(MAX_ATTEMPTS, 1, 100).defaultValue(5).environment("WALKEEPER_STORAGE_MAX_ATTEMPTS")
                    .description("Attempts per storage call, the first included").build(),
            Setting.integer(INITIAL_BACKOFF_MS, 0, 3_600_000).defaultValue(200)
                    .description("Milliseconds before the second attempt, doubled for each further one, with jitter").build(),
            Setting.integer(MAX_BACKOFF_MS, 0, 3_600_000).defaultValue(10_000)
                    .description("Longest wait between attempts in milliseconds").build(),
            Setting.integer(CALL_TIMEOUT_SECONDS, 1, 86_400).defaultValue(900).environment("WALKEEPER_STORAGE_CALL_TIMEOUT")
                    .description("Seconds a storage call may go without moving a byte before it is abandoned and retried")
                    .build(),
            Setting.integer(MAX_BYTES_PER_SECOND, 0, Long.MAX_VALUE).defaultValue(0)
                    .environment("WALKEEPER_NETWORK_RATE_LIMIT", "WALG_NETWORK_RATE_LIMIT")
                    .description("Network bytes per second, uploads and downloads together; 0 is no limit").build(),
            Setting.integer(UPLOAD_CONCURRENCY, 0, 10_000).defaultValue(0).environment("WALKEEPER_UPLOAD_CONCURRENCY")
                    .description("Objects written at once; 0 is no limit").build(),
            Setting.integer(DOWNLOAD_CONCURRENCY, 0, 10_000).defaultValue(0)
                    .environment("WALKEEPER_DOWNLOAD_CONCURRENCY", "WALG_DOWNLOAD_CONCURRENCY")
                    .description("Objects read at once; 0 is no limit").build());

    /** The defaults. */
    public static final StorageOptions DEFAULTS = new StorageOptions(5, Duration.ofMillis(200), Duration.ofSeconds(10),
            Duration.ofMinutes(15), 0, 0, 0);

    /** Checks the values. */
    public StorageOptions {
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new ConfigurationException(MAX_ATTEMPTS + " must be between 1 and 100, not " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new ConfigurationException(MAX_BACKOFF_MS + " must be at least " + INITIAL_BACKOFF_MS);
        }
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new ConfigurationException(CALL_TIMEOUT_SECONDS + " must be positive");
        }
        if (maxBytesPerSecond < 0 || uploadConcurrency < 0 || downloadConcurrency < 0) {
            throw new ConfigurationException("storage limits must be 0 (no limit) or positive");
        }
    }

    /**
     * Reads the {@code storage.*} keys of a settings map; other keys are ignored.
     *
     * @param settings settings, possibly with provider keys too
     * @return the options, defaults where a key is absent
     * @throws ConfigurationException for an unknown {@code storage.*} key or a bad value
     */
    public static StorageOptions from(Map<String, String> settings) {
        Map<String, String> own = new LinkedHashMap<>(settings);
        own.keySet().removeIf(k -> !k.startsWith(PREFIX));
        SettingsReader r = SettingsReader.of("Cannot use the storage settings", SETTINGS, own);
        return new StorageOptions(r.integer(MAX_ATTEMPTS), Duration.ofMillis(r.number(INITIAL_BACKOFF_MS, 0)),
                Duration.ofMillis(r.number(MAX_BACKOFF_MS, 0)), Duration.ofSeconds(r.number(CALL_TIMEOUT_SECONDS, 0)),
                r.number(MAX_BYTES_PER_SECOND, 0), r.integer(UPLOAD_CONCURRENCY), r.integer(DOWNLOAD_CONCURRENCY));
    }

    /**
     * Returns the settings without the {@code storage.*} keys, for the provider.
     *
     * @param settings all settings
     * @return the provider's share
     */
    public static Map<String, String> providerSettings(Map<String, String> settings) {
        Map<String, String> out = new LinkedHashMap<>(settings);
        out.keySet().removeIf(k -> k.startsWith(PREFIX));
        return out;
    }
}
