package io.walkeeper.core;

import io.walkeeper.spi.BlobStore;
import io.walkeeper.storage.fs.FsBlobStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link StorageFaultScenarios} on the filesystem store. */
class FsStorageFaultIT extends StorageFaultScenarios {

    @Override
    protected String label() {
        return "FsStorageFaultIT";
    }

    @Override
    protected BlobStore openStore(Path work, String name) {
        return FsBlobStore.open(work.resolve(name));
    }

    /** No file that names the segment in the repository directory but the stored objects: no temporary file. */
    @Override
    protected void assertNoUploadLeft(Path work, String name, String segment, List<String> stored) throws IOException {
        Path root = work.resolve(name);
        try (Stream<Path> s = Files.walk(root)) {
            List<String> left = s.filter(p -> p.getFileName().toString().contains(segment))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(key -> !stored.contains(key))
                    .toList();
            assertEquals(List.of(), left, "files left in the repository directory besides " + stored);
        }
    }
}
