package io.walkeeper.spi;

import io.walkeeper.api.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsReaderTest {
    private static final String SUBJECT = "Cannot open acme storage at acme://b";
    private static final List<Setting> DECLARED = List.of(
            Setting.text("acme.region").environment("ACME_REGION").description("region").build(),
            Setting.bool("acme.fsync").defaultValue(true).description("sync").build(),
            Setting.integer("acme.threads", 1, 64).defaultValue(4).build(),
            Setting.size("acme.chunk", 1024, 1L << 30).defaultValue(8 << 20).build(),
            Setting.url("acme.endpoint").build(),
            Setting.path("acme.key-file").build(),
            Setting.choice("acme.mode", "fast", "SAFE").defaultValue("SAFE").build(),
            Setting.text("acme.secret").secret().environment("ACME_SECRET", "LEGACY_SECRET").build());

    private static SettingsReader read(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return SettingsReader.of(SUBJECT, DECLARED, m, "storage.");
    }

    @Test
    void defaultsApplyWhenAbsentOrBlank() {
        SettingsReader r = read("acme.threads", "  ", "storage.retry.max-attempts", "3");
        assertTrue(r.bool("acme.fsync"));
        assertEquals(4, r.integer("acme.threads"));
        assertEquals(8 << 20, r.integer("acme.chunk"));
        assertEquals(Optional.of("SAFE"), r.text("acme.mode"));
        assertEquals(Optional.empty(), r.text("acme.region"));
        assertFalse(r.isSet("acme.threads"), "a blank value counts as not set");
        assertEquals(Optional.empty(), r.url("acme.endpoint"));
    }

    @Test
    void valuesAreCheckedAndCanonical() {
        SettingsReader r = read("acme.region", " eu ", "acme.fsync", "FALSE", "acme.threads", "64", "acme.chunk", "2 MiB",
                "acme.endpoint", "https://h:9/base", "acme.key-file", "/etc/k", "acme.mode", "Fast");
        assertEquals(Optional.of("eu"), r.text("acme.region"));
        assertFalse(r.bool("acme.fsync"));
        assertEquals(64, r.integer("acme.threads"));
        assertEquals(2 << 20, r.integer("acme.chunk"));
        assertEquals(Optional.of(URI.create("https://h:9/base")), r.url("acme.endpoint"));
        assertEquals(Optional.of(Path.of("/etc/k")), r.path("acme.key-file"));
        assertEquals(Optional.of("fast"), r.text("acme.mode"), "a choice is returned as declared");
        Setting size = Setting.size("x.y", 0, Long.MAX_VALUE).build();
        assertEquals(Long.toString(3L << 30), size.check("3GB"));
        assertEquals(Long.toString(3L << 30), size.check("3g"));
        assertEquals("512", size.check("512"));
    }

    @Test
    void unknownKeysAreAllNamedWithTheKnownOnes() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> read("acme.regoin", "eu", "s3.region", "eu", "acme.threads", "2"));
        assertTrue(e.getMessage().startsWith(SUBJECT + ": unknown setting(s) [acme.regoin, s3.region]"), e.getMessage());
        assertTrue(e.getMessage().contains("acme.region"), e.getMessage());
        ConfigurationException none = assertThrows(ConfigurationException.class,
                () -> SettingsReader.of("Cannot open x", List.of(), Map.of("x.y", "1")));
        assertTrue(none.getMessage().contains("takes no settings"), none.getMessage());
    }

    @Test
    void malformedValuesNameTheKeyAndWhatIsExpectedButNeverASecret() {
        for (String[] bad : new String[][] {{"acme.fsync", "yes"}, {"acme.threads", "0"}, {"acme.threads", "65"},
                {"acme.threads", "four"}, {"acme.chunk", "1.5M"}, {"acme.chunk", "2T"}, {"acme.endpoint", "ftp://h"},
                {"acme.endpoint", "https://u:p@h"}, {"acme.endpoint", "https://h?sig=x"}, {"acme.mode", "slow"},
                {"acme.key-file", "a\0b"}}) {
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> read(bad[0], bad[1]), bad[1]);
            assertTrue(e.getMessage().startsWith(SUBJECT + ": setting " + bad[0] + " is '"), e.getMessage());
            assertTrue(e.getMessage().contains("expected "), e.getMessage());
            assertFalse(e.getMessage().contains("u:p@") || e.getMessage().contains("sig=x"), e.getMessage());
        }
        SettingsReader r = read("acme.secret", "hunter2");
        ConfigurationException e = r.invalid("acme.secret", "a token");
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("<hidden>"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.text("acme.undeclared"));
    }

    @Test
    void declarationsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> Setting.integer("a.b", 1, 5).defaultValue(9).build());
        assertThrows(IllegalArgumentException.class, () -> Setting.text("a b").build());
        assertThrows(IllegalArgumentException.class, () -> Setting.text("a.b").environment("lower").build());
        Setting s = DECLARED.get(7);
        assertTrue(s.secret());
        assertEquals(List.of("ACME_SECRET", "LEGACY_SECRET"), s.environment());
        assertFalse(s.toString().contains("hunter2"));
    }
}
