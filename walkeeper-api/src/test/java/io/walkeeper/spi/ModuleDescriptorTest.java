package io.walkeeper.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The API's module descriptor, as built: both packages exported, nothing but the JDK's base read. */
class ModuleDescriptorTest {

    @Test
    void exportsTheApiAndTheSpiAndRequiresOnlyJavaBase() throws Exception {
        Path classes = Path.of(StorageProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor api = ModuleFinder.of(classes).find("io.walkeeper.api").orElseThrow().descriptor();
        assertFalse(api.isAutomatic());
        assertEquals(Set.of("io.walkeeper.api", "io.walkeeper.spi"),
                api.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        assertEquals(Set.of("io.walkeeper.api", "io.walkeeper.spi"), api.packages());
        assertEquals(Set.of("java.base"),
                api.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    }
}
