package io.walkeeper.storage.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.walkeeper.spi.StorageProvider;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The provider's module descriptor, as built: it provides its StorageProvider and exports nothing. */
class ModuleDescriptorTest {

    @Test
    void providesTheStorageProviderAndExportsNothing() throws Exception {
        Path classes = Path.of(FsStorageProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor module = ModuleFinder.of(classes).find("io.walkeeper.storage.fs").orElseThrow().descriptor();
        assertFalse(module.isAutomatic());
        assertEquals(Set.of(), module.exports());
        assertEquals(Set.of(), module.opens());
        ModuleDescriptor.Provides provides = module.provides().stream()
                .filter(p -> p.service().equals(StorageProvider.class.getName())).findFirst().orElseThrow();
        assertEquals(List.of(FsStorageProvider.class.getName()), provides.providers());
    }
}
