package io.walkeeper.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticPostgresDataTest {

    @Test
    void heapPagesDependOnTheSeedOnlyAndStreamAsGenerated() throws IOException {
        byte[] pages = SyntheticHeapPages.generate(3, 1 << 20);
        assertArrayEquals(pages, SyntheticHeapPages.generate(3, 1 << 20));
        assertFalse(Arrays.equals(pages, SyntheticHeapPages.generate(4, 1 << 20)));
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        MessageDigest digest = ContractPayloads.sha256();
        SyntheticHeapPages.write(streamed, 3, 1 << 20, digest);
        assertArrayEquals(pages, streamed.toByteArray());
        assertArrayEquals(ContractPayloads.sha256().digest(pages), digest.digest());
        // the first page is a heap page: page size and version in its header, 0x2004
        assertEquals(0x04, pages[18]);
        assertEquals(0x20, pages[19]);
    }

    @Test
    void walSegmentIs16MiBOfPagesWithZerosAtTheEnd() {
        byte[] segment = SyntheticWalSegment.generate(5);
        assertEquals(16 << 20, segment.length);
        assertArrayEquals(segment, SyntheticWalSegment.generate(5));
        assertEquals((byte) 0x10, segment[0]); // page magic, little-endian 0xD110
        assertEquals((byte) 0xD1, segment[1]);
        assertEquals((byte) 0x10, segment[8192]);
        int zeros = 0;
        for (int i = segment.length - 1; i >= 0 && segment[i] == 0; i--) {
            zeros++;
        }
        assertTrue(zeros > 0 && zeros <= segment.length / 4 + 8192, "zeros at the end: " + zeros);
    }
}
