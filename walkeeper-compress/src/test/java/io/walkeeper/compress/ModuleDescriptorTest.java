package io.walkeeper.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.walkeeper.spi.CompressionCodec;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The codecs' module descriptor, as built: it provides every codec and exports nothing. */
class ModuleDescriptorTest {

    @Test
    void providesEveryCodecAndExportsNothing() throws Exception {
        Path classes = Path.of(Lz4Codec.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor module = ModuleFinder.of(classes).find("io.walkeeper.compress").orElseThrow().descriptor();
        assertFalse(module.isAutomatic());
        assertEquals(Set.of(), module.exports());
        ModuleDescriptor.Provides provides = module.provides().stream()
                .filter(p -> p.service().equals(CompressionCodec.class.getName())).findFirst().orElseThrow();
        assertEquals(List.of(Lz4Codec.class.getName(), ZstdCodec.class.getName(), BrotliCodec.class.getName(),
                XzCodec.class.getName(), NoneCodec.class.getName()), provides.providers());
    }
}
