package io.walkeeper.cli;

import io.walkeeper.examples.provider.FlatDirectoryStorageProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's settings tables are the ones generated from the key table and the providers'
 * declarations ({@code walkeeper settings --markdown}), block for block, so that the README never
 * documents a key the tool does not read or misses one it does.
 */
class ReadmeSettingsTableTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void everyGeneratedBlockIsInTheReadmeAsGenerated() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        // the example provider of the test sources is on this class path but not in the shipped tool
        Map<String, String> blocks = SettingsTable.markdownBlocks(CliConfiguration.providers(),
                g -> g.declaredBy() != FlatDirectoryStorageProvider.class);
        assertTrue(blocks.keySet().containsAll(java.util.List.of(SettingsTable.CLI_BLOCK, "s3.", "azure.", "gcs.", "file.",
                "storage.", "openpgp.")), blocks.keySet().toString());
        StringBuilder stale = new StringBuilder();
        for (Map.Entry<String, String> e : blocks.entrySet()) {
            String marked = SettingsTable.marked(e.getKey(), e.getValue());
            if (!readme.contains(marked)) {
                stale.append("\n").append(marked);
            }
        }
        if (!stale.isEmpty()) {
            fail("README.md does not hold these generated blocks as generated; replace each block between its markers "
                    + "with the output of `walkeeper settings --markdown`:" + stale);
        }
    }

    @Test
    void everyKeyTheToolReadsIsDocumented() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        for (String key : CliConfiguration.knownKeys()) {
            assertTrue(readme.contains("`" + key + "`"), key + " is read by the tool but not documented in README.md");
        }
    }
}
