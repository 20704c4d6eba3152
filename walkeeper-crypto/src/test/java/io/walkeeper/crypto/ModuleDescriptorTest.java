package io.walkeeper.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.walkeeper.spi.EncryptionProvider;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The encryption module's descriptor, as built: it provides the OpenPGP provider and exports its one
 * package, for {@link OpenPgpKeys}.
 */
class ModuleDescriptorTest {

    @Test
    void providesOpenPgpAndExportsItsPackage() throws Exception {
        Path classes = Path.of(OpenPgpProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor module = ModuleFinder.of(classes).find("io.walkeeper.crypto").orElseThrow().descriptor();
        assertFalse(module.isAutomatic());
        assertEquals(Set.of("io.walkeeper.crypto"),
                module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        ModuleDescriptor.Provides provides = module.provides().stream()
                .filter(p -> p.service().equals(EncryptionProvider.class.getName())).findFirst().orElseThrow();
        assertEquals(List.of(OpenPgpProvider.class.getName()), provides.providers());
    }
}
