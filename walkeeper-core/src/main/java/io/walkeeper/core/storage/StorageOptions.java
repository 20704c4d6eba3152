package io.walkeeper.core.storage;

import io.walkeeper.api.ConfigurationException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

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
    private static final Set<String> KEYS = Set.of(MAX_ATTEMPTS, INITIAL_BACKOFF_MS, MAX_BACKOFF_MS, CALL_TIMEOUT_SECONDS,
            MAX_BYTES_PER_SECOND, UPLOAD_CONCURRENCY, DOWNLOAD_CONCURRENCY);

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
        StorageOptions d = DEFAULTS;
        for (String k : settings.keySet()) {
            if (k.startsWith(PREFIX) && !KEYS.contains(k)) {
                throw new ConfigurationException("Unknown storage setting '" + k + "' (known: " + new java.util.TreeSet<>(KEYS) + ")");
            }
        }
        return new StorageOptions(
                (int) number(settings, MAX_ATTEMPTS, d.maxAttempts()),
                Duration.ofMillis(number(settings, INITIAL_BACKOFF_MS, d.initialBackoff().toMillis())),
                Duration.ofMillis(number(settings, MAX_BACKOFF_MS, d.maxBackoff().toMillis())),
                Duration.ofSeconds(number(settings, CALL_TIMEOUT_SECONDS, d.callTimeout().toSeconds())),
                number(settings, MAX_BYTES_PER_SECOND, d.maxBytesPerSecond()),
                (int) number(settings, UPLOAD_CONCURRENCY, d.uploadConcurrency()),
                (int) number(settings, DOWNLOAD_CONCURRENCY, d.downloadConcurrency()));
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

    private static long number(Map<String, String> settings, String key, long fallback) {
        String v = settings.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigurationException("Storage setting " + key + " must be a non-negative whole number, not '" + v + "'");
        }
    }
}
