package io.walkeeper.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The engine's module descriptor, as built: embedders see {@code io.walkeeper.core} only; the
 * engine's other packages are exported to the command-line tool alone, and opened only to the
 * libraries that reflect on them.
 */
class ModuleDescriptorTest {

    private static ModuleDescriptor descriptor() throws Exception {
        Path classes = Path.of(WalKeeper.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return ModuleFinder.of(classes).find("io.walkeeper.core").orElseThrow().descriptor();
    }

    @Test
    void exportsOnlyTheEmbeddingPackage() throws Exception {
        ModuleDescriptor core = descriptor();
        assertFalse(core.isAutomatic(), "a module-info, not an Automatic-Module-Name");
        Set<String> unqualified = core.exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(Set.of("io.walkeeper.core"), unqualified);
        for (ModuleDescriptor.Exports e : core.exports()) {
            if (e.isQualified()) {
                assertEquals(Set.of("io.walkeeper.cli"), e.targets(), e.source());
            }
        }
        Set<String> internal = new TreeSet<>(core.packages());
        internal.remove("io.walkeeper.core");
        assertTrue(internal.containsAll(Set.of("io.walkeeper.core.backup", "io.walkeeper.core.repo",
                "io.walkeeper.core.storage", "io.walkeeper.core.wal")), internal.toString());
        assertTrue(core.exports().stream().noneMatch(e -> e.source().equals("io.walkeeper.core.backup")),
                "the backup engine is not exported at all");
        assertTrue(core.opens().stream().allMatch(ModuleDescriptor.Opens::isQualified), core.opens().toString());
    }

    @Test
    void readsTheApiAndLoadsEveryServiceProviderInterface() throws Exception {
        ModuleDescriptor core = descriptor();
        assertTrue(core.requires().stream().anyMatch(r -> r.name().equals("io.walkeeper.api")
                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)));
        assertEquals(Set.of("io.walkeeper.spi.StorageProvider", "io.walkeeper.spi.CompressionCodec",
                "io.walkeeper.spi.EncryptionProvider"), core.uses());
    }
}
