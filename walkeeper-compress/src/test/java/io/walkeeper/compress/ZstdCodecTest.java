package io.walkeeper.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.CompressionCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZstdCodecTest {

    @Test
    void levelDefaultsToOneAndIsConfigurable() throws IOException {
        ZstdCodec codec = new ZstdCodec();
        assertEquals(1, codec.level());
        assertEquals(3, ((ZstdCodec) codec.configure(Map.of(ZstdCodec.LEVEL, "3"))).level());
        assertEquals(22, ((ZstdCodec) codec.configure(Map.of(ZstdCodec.LEVEL, " 22 "))).level());
        assertSame(codec, codec.configure(Map.of()));
        assertEquals(1, ((ZstdCodec) codec.configure(Map.of(ZstdCodec.LEVEL, "9")).configure(Map.of())).level());

        byte[] plain = new byte[1 << 20];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = (byte) Integer.toString(i * 7919 % 100_003).charAt(0);
        }
        byte[] fast = compress(codec, plain);
        byte[] strong = compress(codec.configure(Map.of(ZstdCodec.LEVEL, "19")), plain);
        assertTrue(strong.length < fast.length, "level 19 (" + strong.length + " bytes) beats level 1 ("
                + fast.length + " bytes)");
        try (InputStream in = codec.decompress(new ByteArrayInputStream(strong))) {
            assertArrayEquals(plain, in.readAllBytes());
        }
    }

    private static byte[] compress(CompressionCodec codec, byte[] plain) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (OutputStream out = codec.compress(buffer)) {
            out.write(plain);
        }
        return buffer.toByteArray();
    }

    @Test
    void rejectsBadLevelsAndUnknownKeys() {
        ZstdCodec codec = new ZstdCodec();
        // a blank value counts as not set, as for every provider setting
        assertEquals(ZstdCodec.LEVEL_DEFAULT, ((ZstdCodec) codec.configure(Map.of(ZstdCodec.LEVEL, " "))).level());
        for (String bad : new String[] {"0", "23", "-1", "fast", "1.5"}) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> codec.configure(Map.of(ZstdCodec.LEVEL, bad)), bad);
            assertTrue(e.getMessage().contains(ZstdCodec.LEVEL), e.getMessage());
        }
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> codec.configure(Map.of("zstd.levle", "3")));
        assertTrue(e.getMessage().contains("zstd.levle") && e.getMessage().contains(ZstdCodec.LEVEL), e.getMessage());
    }

    @Test
    void anEmptyInputIsATruncatedObject() {
        IOException e = assertThrows(IOException.class,
                () -> new ZstdCodec().decompress(new ByteArrayInputStream(new byte[0])));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void writesTheZstdMagicNumber() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        new ZstdCodec().compress(buffer).close();
        byte[] frame = buffer.toByteArray();
        assertArrayEquals(new byte[] {(byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD},
                Arrays.copyOf(frame, 4));
        assertEquals(0x04, frame[4] & 0x04, "content checksum flag set");
    }
}
