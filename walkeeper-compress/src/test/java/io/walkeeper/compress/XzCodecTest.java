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
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XzCodecTest {

    private static byte[] compress(CompressionCodec codec, byte[] plain) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (OutputStream out = codec.compress(buffer)) {
            out.write(plain);
        }
        return buffer.toByteArray();
    }

    private static byte[] decompress(CompressionCodec codec, byte[] compressed) throws IOException {
        try (InputStream in = codec.decompress(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        }
    }

    @Test
    void presetDefaultsToOneAndIsConfigurable() throws IOException {
        XzCodec codec = new XzCodec();
        assertEquals(1, codec.preset());
        assertEquals(0, ((XzCodec) codec.configure(Map.of(XzCodec.PRESET, "0"))).preset());
        assertEquals(9, ((XzCodec) codec.configure(Map.of(XzCodec.PRESET, " 9 "))).preset());
        assertSame(codec, codec.configure(Map.of()));
        assertEquals(1, ((XzCodec) codec.configure(Map.of(XzCodec.PRESET, "6")).configure(Map.of())).preset());

        // lines that repeat about 600 KiB later: preset 2's 2 MiB dictionary finds the repeats,
        // preset 0's 256 KiB one does not
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 2 << 20; i++) {
            text.append("tuple ").append((i % 30_000) * 7919L % 65_536).append(' ')
                    .append(Integer.toHexString(i % 30_000)).append('\n');
        }
        byte[] plain = text.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] fast = compress(codec.configure(Map.of(XzCodec.PRESET, "0")), plain);
        byte[] strong = compress(codec.configure(Map.of(XzCodec.PRESET, "2")), plain);
        assertTrue(strong.length < fast.length * 0.8, "preset 2 (" + strong.length + " bytes) beats preset 0 ("
                + fast.length + " bytes)");
        assertArrayEquals(plain, decompress(codec, strong));
    }

    @Test
    void rejectsBadPresetsAndUnknownKeys() {
        XzCodec codec = new XzCodec();
        // a blank value counts as not set, as for every provider setting
        assertEquals(XzCodec.PRESET_DEFAULT, ((XzCodec) codec.configure(Map.of(XzCodec.PRESET, " "))).preset());
        for (String bad : new String[] {"-1", "10", "9e", "1.5"}) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> codec.configure(Map.of(XzCodec.PRESET, bad)), bad);
            assertTrue(e.getMessage().contains(XzCodec.PRESET), e.getMessage());
        }
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> codec.configure(Map.of("xz.level", "3")));
        assertTrue(e.getMessage().contains("xz.level") && e.getMessage().contains(XzCodec.PRESET), e.getMessage());
    }

    @Test
    void writesTheXzMagicAndACrc64Check() throws IOException {
        byte[] stream = compress(new XzCodec(), new byte[] {1});
        assertArrayEquals(new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0}, Arrays.copyOf(stream, 6));
        assertEquals(0x04, stream[7], "stream flags: CRC64");
        assertArrayEquals(new byte[] {'Y', 'Z'}, Arrays.copyOfRange(stream, stream.length - 2, stream.length));
    }

    /** {@code rows-300.txt.xz}: "row 1\n" to "row 300\n", written by the xz 5.4 tool (-6, CRC32 check). */
    @Test
    void readsWhatTheXzToolWrote() throws IOException {
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= 300; i++) {
            rows.append("row ").append(i).append('\n');
        }
        try (InputStream in = new XzCodec().decompress(getClass().getResourceAsStream("rows-300.txt.xz"))) {
            assertEquals(rows.toString(), new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void anEmptyInputIsATruncatedObject() {
        assertThrows(IOException.class, () -> decompress(new XzCodec(), new byte[0]));
    }
}
