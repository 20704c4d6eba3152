package io.walkeeper.compress;

import io.walkeeper.api.ConfigurationException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Checks codec settings maps, shared by the codecs of this package. */
final class CodecSettings {

    private CodecSettings() {
    }

    /**
     * Rejects any key that the codec does not know.
     *
     * @param codec the codec name, for the message
     * @param settings the settings given
     * @param known the keys the codec accepts
     * @throws ConfigurationException naming the unknown keys and the accepted ones
     */
    static void rejectUnknown(String codec, Map<String, String> settings, Set<String> known) {
        Objects.requireNonNull(settings, "settings");
        Set<String> unknown = new TreeSet<>(settings.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new ConfigurationException("Cannot configure compression codec '" + codec + "': unknown setting(s) "
                    + unknown + (known.isEmpty() ? " (this codec takes no settings)"
                            : " (accepted: " + new TreeSet<>(known) + ")"));
        }
    }

    /**
     * Reads an integer setting that must lie in a range.
     *
     * @param codec the codec name, for the message
     * @param settings the settings given
     * @param key the setting's key
     * @param min the lowest accepted value
     * @param max the highest accepted value
     * @param defaultValue the value when the key is absent
     * @return the value, or {@code defaultValue} when the key is absent
     * @throws ConfigurationException if the value is not an integer from {@code min} to {@code max}
     */
    static int intInRange(String codec, Map<String, String> settings, String key, int min, int max, int defaultValue) {
        String value = settings.get(key);
        if (value == null) {
            return defaultValue;
        }
        String message = "Cannot configure compression codec '" + codec + "': " + key + " '" + value
                + "' is not an integer from " + min + " to " + max + " (default " + defaultValue + ")";
        int parsed;
        try {
            parsed = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(message, e);
        }
        if (parsed < min || parsed > max) {
            throw new ConfigurationException(message);
        }
        return parsed;
    }
}
