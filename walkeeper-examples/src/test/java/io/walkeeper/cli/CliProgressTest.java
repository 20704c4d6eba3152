package io.walkeeper.cli;

import io.walkeeper.api.Progress;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliProgressTest {

    private static Progress at(long seconds, long bytes, boolean finished) {
        return new Progress("backup", "base_000000010000000000000002", finished, bytes, finished ? bytes : 800_000_000, 10,
                finished ? 10 : 20, Duration.ofSeconds(seconds));
    }

    @Test
    void aTerminalGetsOneLineRewrittenInPlace() {
        StringWriter out = new StringWriter();
        CliProgress p = new CliProgress(new PrintWriter(out), true);
        p.onProgress(at(1, 100_000_000, false));
        p.onProgress(at(2, 200_000_000, false));
        p.onProgress(at(4, 800_000_000, true));
        String s = out.toString();
        assertEquals(3, s.chars().filter(c -> c == '\r').count(), s);
        assertTrue(s.endsWith("\n") && s.chars().filter(c -> c == '\n').count() == 1, s);
        assertTrue(s.contains("100.0 of 800.0 MB (12 %)") && s.contains("100.0 MB/s") && s.contains("ETA 7 s"), s);
        assertTrue(s.contains("done in 4 s"), s);
    }

    @Test
    void elsewhereAPlainLineEveryTenSecondsAndAtTheEnd() {
        StringWriter out = new StringWriter();
        CliProgress p = new CliProgress(new PrintWriter(out), false);
        for (int s = 0; s <= 25; s++) {
            p.onProgress(at(s, s * 10_000_000L, false));
        }
        p.onProgress(at(26, 800_000_000, true));
        String[] lines = out.toString().split("\n");
        assertEquals(4, lines.length, out.toString()); // 0 s, 10 s, 20 s and the end
        assertTrue(lines[3].contains("done in 26 s"), lines[3]);
    }
}
