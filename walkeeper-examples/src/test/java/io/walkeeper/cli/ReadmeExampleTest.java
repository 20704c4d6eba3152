package io.walkeeper.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's embedding example is the code of {@code EmbeddingExample} between its
 * {@code README} markers, word for word, so that the example a user copies is the one
 * {@link EmbeddingExampleIT} runs.
 */
class ReadmeExampleTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void theReadmeShowsTheExampleThatTheTestsRun() throws IOException {
        String source = Files.readString(ROOT.resolve(
                "walkeeper-examples/src/main/java/io/walkeeper/examples/EmbeddingExample.java"));
        String readme = Files.readString(ROOT.resolve("README.md"));
        for (String region : List.of("backup", "restore")) {
            Matcher m = Pattern.compile("(?s)// README:" + region + ":begin\\n(.*?)\\n\\s*// README:" + region + ":end")
                    .matcher(source);
            assertTrue(m.find(), "region " + region + " in EmbeddingExample");
            String code = m.group(1).stripIndent().strip();
            assertTrue(readme.contains("```java\n" + code + "\n```"),
                    "README must show the " + region + " region of EmbeddingExample as a java block:\n" + code);
        }
        assertEquals(-1, readme.indexOf("withRestoreCommand(\"walkeeper wal-fetch"),
                "the old example without launcher path or configuration file is gone");
    }
}
