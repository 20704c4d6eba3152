package io.walkeeper.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.walkeeper.api.ConfigurationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Lz4CodecTest {

    @Test
    void writesAnLz4FrameWithChecksums() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        new Lz4Codec().compress(buffer).close();
        byte[] frame = buffer.toByteArray();
        assertArrayEquals(new byte[] {0x04, 0x22, 0x4D, 0x18}, Arrays.copyOf(frame, 4), "LZ4 frame magic");
        int flags = frame[4] & 0xFF;
        assertEquals(0x40, flags & 0xC0, "version 01");
        assertEquals(0x20, flags & 0x20, "independent blocks");
        assertEquals(0x10, flags & 0x10, "block checksums");
        assertEquals(0x04, flags & 0x04, "content checksum");
        assertEquals(0x40, frame[5] & 0x70, "64 KiB blocks");
    }

    @Test
    void takesNoSettings() {
        Lz4Codec codec = new Lz4Codec();
        assertSame(codec, codec.configure(Map.of()));
        assertThrows(ConfigurationException.class, () -> codec.configure(Map.of("lz4.level", "1")));
    }
}
