package io.walkeeper.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProviderInputStreamTest {

    /** Serves {@code body} two bytes at a time, then throws {@code failure} if set, else ends. */
    private static final class Scripted extends ProviderInputStream {
        private final byte[] body;
        private final Exception failure;
        private final List<Boolean> closes = new ArrayList<>();
        private int at;
        private int calls;

        Scripted(byte[] body, Exception failure, long offset) {
            super("'k' in test://store", offset);
            this.body = body;
            this.failure = failure;
        }

        @Override
        protected int readBody(byte[] b, int off, int len) throws Exception {
            calls++;
            if (at == body.length) {
                if (failure != null) {
                    throw failure;
                }
                return -1;
            }
            int n = Math.min(Math.min(len, 2), body.length - at);
            System.arraycopy(body, at, b, off, n);
            at += n;
            return n;
        }

        @Override
        protected WalKeeperException translate(Exception e) {
            if (e instanceof WalKeeperException w) {
                return w;
            }
            return new StorageException("connection reset", e, e instanceof IOException);
        }

        @Override
        protected void closeBody(boolean endedNormally) {
            closes.add(endedNormally);
        }
    }

    @Test
    void readsTheBodyByteByByteAndInBlocks() throws IOException {
        try (Scripted in = new Scripted(new byte[] {1, 2, (byte) 0xFF}, null, 0)) {
            assertEquals(1, in.read());
            byte[] rest = new byte[4];
            assertEquals(2, in.read(rest, 0, 4), "the body's next chunk");
            assertArrayEquals(new byte[] {2, (byte) 0xFF, 0, 0}, rest);
            assertEquals(-1, in.read());
            assertEquals(-1, in.read(rest, 0, 4));
            assertEquals(3, in.calls, "no call to the body after its end");
            assertEquals(3, in.position());
        }
    }

    @Test
    void checksArgumentsAndLengthZero() throws IOException {
        try (Scripted in = new Scripted(new byte[] {1}, null, 0)) {
            assertThrows(IndexOutOfBoundsException.class, () -> in.read(new byte[2], 1, 2));
            assertEquals(0, in.read(new byte[2], 0, 0));
            assertEquals(0, in.calls);
        }
    }

    @Test
    void retryableFailureIsAnIoExceptionNamingObjectAndPositionAndSticks() throws IOException {
        IOException reset = new IOException("reset");
        Scripted in = new Scripted(new byte[] {1, 2, 3}, reset, 100);
        byte[] got = new byte[3];
        assertEquals(2, in.read(got, 0, 3));
        assertEquals(1, in.read(got, 2, 1), "reads up to the failure");
        IOException e = assertThrows(IOException.class, in::read);
        assertEquals("Reading 'k' in test://store failed at byte 103: connection reset", e.getMessage());
        assertTrue(e.getCause() instanceof StorageException s && s.isRetryable());
        assertSame(reset, e.getCause().getCause());
        assertSame(e, assertThrows(IOException.class, in::read), "the stream stays failed");
        in.close();
        assertEquals(List.of(false), in.closes, "closed as not ended");
    }

    @Test
    void otherFailureIsThrownTranslated() {
        NotFoundException gone = new NotFoundException("Cannot read 'k': no such object", null);
        Scripted in = new Scripted(new byte[0], gone, 0);
        assertSame(gone, assertThrows(NotFoundException.class, in::read));
        Scripted denied = new Scripted(new byte[0], new IllegalStateException("denied"), 0);
        StorageException e = assertThrows(StorageException.class, denied::read);
        assertEquals("connection reset", e.getMessage());
    }

    @Test
    void interruptionPassesAsItIs() {
        InterruptedIOException interrupted = new InterruptedIOException("interrupted");
        Scripted in = new Scripted(new byte[0], interrupted, 0);
        assertSame(interrupted, assertThrows(InterruptedIOException.class, in::read));
    }

    @Test
    void closesTheBodyOnceTellingWhetherItEnded() throws IOException {
        Scripted whole = new Scripted(new byte[] {1, 2, 3}, null, 0);
        assertArrayEquals(new byte[] {1, 2, 3}, whole.readAllBytes());
        whole.close();
        whole.close();
        assertEquals(List.of(true), whole.closes);

        Scripted early = new Scripted(new byte[] {1, 2, 3}, null, 0);
        early.read();
        early.close();
        early.close();
        assertEquals(List.of(false), early.closes);
        IOException e = assertThrows(IOException.class, early::read);
        assertEquals("Cannot read 'k' in test://store: the stream is closed", e.getMessage());
    }

    @Test
    void skipReadsAndCountsPosition() throws IOException {
        byte[] body = new byte[20_000];
        Arrays.fill(body, (byte) 7);
        body[19_999] = 9;
        try (Scripted in = new Scripted(body, null, 5)) {
            assertEquals(19_999, in.skip(19_999));
            assertEquals(20_004, in.position());
            assertEquals(9, in.read());
            assertEquals(0, in.skip(10));
        }
    }
}
