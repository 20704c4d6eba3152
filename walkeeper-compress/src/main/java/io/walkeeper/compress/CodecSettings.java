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
}
