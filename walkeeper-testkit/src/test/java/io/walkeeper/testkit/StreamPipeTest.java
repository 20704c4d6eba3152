package io.walkeeper.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StreamPipeTest {

    @Test
    void passesBytesInOrderAndCountsThem() throws Exception {
        StreamPipe pipe = new StreamPipe(2);
        byte[] content = ContractPayloads.random(1, 1_000_003);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = pipe.sink()) {
                out.write(content, 0, 10);
                out.write(content[10]);
                out.write(content, 11, content.length - 11);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try (InputStream in = pipe.source()) {
            assertArrayEquals(content, in.readAllBytes());
            assertEquals(-1, in.read());
        }
        writer.get();
        assertEquals(content.length, pipe.transferred());
    }

    @Test
    void theReaderFailsWhenTheWriterGivesUp() {
        StreamPipe pipe = new StreamPipe(2);
        IllegalStateException cause = new IllegalStateException("compressor failed");
        pipe.abortWriter(cause);
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> pipe.source().read()));
        assertSame(cause, e.getCause());
    }

    @Test
    void theWriterFailsWhenTheReaderHasClosed() throws IOException {
        StreamPipe pipe = new StreamPipe(1);
        pipe.source().close();
        OutputStream out = pipe.sink();
        assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> out.write(new byte[1 << 20])));
    }
}
