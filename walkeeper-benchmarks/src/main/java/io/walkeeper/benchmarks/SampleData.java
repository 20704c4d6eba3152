package io.walkeeper.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads a sample directory into units of {@value #UNIT_SIZE} bytes, the size of a WAL segment: the
 * files of {@code DIR/KIND} in name order are read as one stream (as a backup streams a data
 * directory) and cut into units; a short last unit is dropped unless it is the only one.
 */
final class SampleData {
    static final int UNIT_SIZE = 16 << 20;

    private SampleData() {
    }

    static byte[][] load(String samples, String kind) throws IOException {
        if (samples == null || samples.isBlank()) {
            throw new IllegalArgumentException("Cannot run the codec benchmarks: no sample directory (pass "
                    + "-p samples=DIR with DIR/relation and DIR/wal holding PostgreSQL files; "
                    + "scripts/bench-codecs.sh makes them from a pgbench cluster)");
        }
        Path dir = Path.of(samples).resolve(kind);
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new IOException("Cannot list sample files in " + dir + " (" + e + ")", e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("Cannot run the codec benchmarks: " + dir + " holds no files");
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Path file : files) {
            Files.copy(file, all);
        }
        byte[] content = all.toByteArray();
        List<byte[]> units = new ArrayList<>();
        for (int off = 0; off + UNIT_SIZE <= content.length; off += UNIT_SIZE) {
            units.add(Arrays.copyOfRange(content, off, off + UNIT_SIZE));
        }
        if (units.isEmpty()) {
            units.add(content);
        }
        return units.toArray(new byte[0][]);
    }
}
