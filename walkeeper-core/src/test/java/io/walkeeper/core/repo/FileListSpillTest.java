package io.walkeeper.core.repo;

import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupStatistics;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import io.walkeeper.core.io.HeldTempFiles;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FileListSpillTest {
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final Instant T0 = Instant.parse("2026-12-07T08:00:00.123456789Z");

    /** Directories, whole files with and without hashes, delta and unchanged files, and files in 1-4 chunks. */
    static List<FileEntry> pieces(int files, long seed) {
        Random r = new Random(seed);
        List<FileEntry> out = new ArrayList<>();
        out.add(FileEntry.directory("base", 0700, T0));
        for (int i = 0; i < files; i++) {
            String path = "base/" + (i % 7) + "/" + (16384 + i);
            Instant mtime = T0.plusMillis(r.nextInt(1_000_000));
            switch (r.nextInt(4)) {
                case 0 -> out.add(FileEntry.file(path).size(r.nextInt(1 << 20)).mode(0600).mtime(mtime)
                        .part("part_0001.tar.lz4").entrySize(8192).copiedAt(T0).sha256(SHA).build());
                case 1 -> out.add(FileEntry.file(path).size(24576).mode(0600).mtime(mtime).part("part_0002.tar.lz4")
                        .storage(FileEntry.Storage.DELTA).entrySize(8256).build());
                case 2 -> out.add(FileEntry.file(path).size(88).mode(0640).mtime(mtime).storage(FileEntry.Storage.UNCHANGED)
                        .copiedAt(T0).sha256(SHA).build());
                default -> {
                    int chunks = 1 + r.nextInt(4);
                    for (int c = 0; c < chunks; c++) {
                        out.add(FileEntry.file(path).size(chunks << 20).mode(0600).mtime(mtime)
                                .part(String.format("part_%04d.tar.lz4", 10 + c)).entrySize(1 << 20).copiedAt(T0)
                                .chunks(List.of(new FileEntry.Chunk(String.format("part_%04d.tar.lz4", 10 + c),
                                        (long) c << 20, 1 << 20))).build());
                    }
                }
            }
        }
        return out;
    }

    /** What the list must read back as: each file's chunk pieces joined into one entry. */
    static List<FileEntry> joined(List<FileEntry> pieces) {
        List<FileEntry> out = new ArrayList<>();
        for (FileEntry e : pieces) {
            FileEntry last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && e.chunks() != null && last.chunks() != null && last.path().equals(e.path())) {
                List<FileEntry.Chunk> chunks = new ArrayList<>(last.chunks());
                chunks.addAll(e.chunks());
                out.set(out.size() - 1, FileEntry.file(last.path()).size(last.size()).mode(last.mode()).mtime(last.mtime())
                        .part(last.part()).entrySize(last.entrySize()).copiedAt(last.copiedAt()).chunks(chunks).build());
            } else {
                out.add(e);
            }
        }
        return out;
    }

    private static BackupManifest manifest(List<FileEntry> files) {
        return BackupManifest.builder().name("base_000000010000000000000009").kind(BackupKind.FULL)
                .timeline(TimelineId.FIRST).startLsn(Lsn.parse("0/9000028")).stopLsn(Lsn.parse("0/9000100"))
                .startWalSegment("000000010000000000000009").stopWalSegment("000000010000000000000009")
                .startTime(T0).finishTime(T0.plusSeconds(1)).pgVersionNum(150000).systemIdentifier("1")
                .walSegmentSize(16 << 20).blockSize(8192).labels(Map.of()).backupLabel("label\n").compression("lz4")
                .parts(List.of(new BackupManifest.Part("part_0001.tar.lz4", 1, SHA, 1, 1)))
                .files(files).statistics(new BackupStatistics(0, 0, 0, 0, 0, 0, 0)).build();
    }

    private static byte[] json(BackupManifest m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Json.MAPPER.writeValue(out, m);
        return out.toByteArray();
    }

    @Test
    void readsBackTheEntriesWithChunksJoinedAndCountsWithoutReading() {
        List<FileEntry> pieces = pieces(3000, 1);
        List<FileEntry> expected = joined(pieces);
        try (FileListSpill spill = FileListSpill.create()) {
            pieces.forEach(spill::add);
            List<FileEntry> entries = spill.entries();
            assertEquals(expected.size(), entries.size());
            assertEquals(expected.stream().filter(f -> !f.isDirectory()).count(), FileListSpill.regularFiles(entries));
            assertEquals(0, spill.readsStarted, "size and the count of regular files come without a read");
            assertEquals(expected, new ArrayList<>(entries));
            assertEquals(expected, entries.stream().toList(), "and again, from the start");
            assertEquals(2, spill.readsStarted);
            assertThrows(IllegalStateException.class, () -> spill.add(FileEntry.directory("late", 0700, T0)));
        }
    }

    @Test
    void aManifestWithASpilledListSerialisesAsWithAnInMemoryOneReadingTheFileOncePerPass() throws IOException {
        List<FileEntry> pieces = pieces(5000, 2);
        byte[] inMemory = json(manifest(joined(pieces)));
        try (FileListSpill spill = FileListSpill.create()) {
            pieces.forEach(spill::add);
            BackupManifest spilled = manifest(spill.entries());
            assertArrayEquals(inMemory, json(spilled));
            assertArrayEquals(inMemory, json(spilled));
            assertEquals(2, spill.readsStarted, "one read of the file per serialisation, not one per entry");
            assertEquals(manifest(joined(pieces)).toInfo(), spilled.toInfo());
            assertEquals(2, spill.readsStarted, "the file count comes without a read");
        }
    }

    @Test
    void theFileHasNoNameAndClosingFreesIt() throws IOException {
        List<String> before = HeldTempFiles.held("walkeeper-file-list-");
        try (Stream<Path> named = Files.list(Path.of(System.getProperty("java.io.tmpdir")));
             FileListSpill spill = FileListSpill.create()) {
            List<Path> earlier = named.toList();
            spill.add(FileEntry.directory("base", 0700, T0));
            spill.add(FileEntry.directory("global", 0700, T0));
            assertEquals(before.size() + 1, HeldTempFiles.held("walkeeper-file-list-").size(), "held open, unlinked");
            try (Stream<Path> now = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                assertEquals(List.of(), now.filter(p -> !earlier.contains(p))
                        .filter(p -> p.getFileName().toString().startsWith("walkeeper-file-list-")).toList(),
                        "no directory names it: a process killed with -9 leaves nothing behind");
            }
            spill.entries().iterator().next();
        }
        assertEquals(before, HeldTempFiles.held("walkeeper-file-list-"), "closing frees it, with a reader still open");
    }

    @Test
    void anEmptyListReadsAsEmpty() {
        try (FileListSpill spill = FileListSpill.create()) {
            assertEquals(List.of(), new ArrayList<>(spill.entries()));
            assertEquals(0, FileListSpill.regularFiles(spill.entries()));
        }
    }
}
