package io.walkeeper.core.backup;

import io.walkeeper.api.BackupKind;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import io.walkeeper.core.pg.ChangedBlocks;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryLayout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Backups of a synthetic data directory, without a server: the real part writer stores the files
 * (a delta against {@code parent} when one is given) and a manifest is written as a backup run
 * would, with 8 KiB pages and no data checksums. For unit tests of what reads backups.
 */
public final class TestBackups {
    private static final int BS = 8192;
    private static final String CONTROL = "global/pg_control";

    private TestBackups() {
    }

    /**
     * Backs up a directory.
     *
     * @param repo where to store the backup
     * @param data the data directory; must hold {@code global/pg_control}
     * @param name the backup name
     * @param start the backup's start LSN
     * @param backupStart the backup's start time
     * @param parent the parent of a delta, or {@code null} for a full backup
     * @param filesPerPart files per part, so that a restore mixes several parts
     * @return the manifest written
     */
    public static BackupManifest take(Repository repo, Path data, String name, Lsn start, Instant backupStart,
                                      BackupManifest parent, int filesPerPart) throws IOException {
        return take(repo, data, name, start, backupStart, parent, filesPerPart, 0, null);
    }

    /**
     * Backs up a directory as {@link #take} does, a delta reading only the blocks that
     * {@code changed} names, as it does when the server's WAL summaries cover the range.
     *
     * @param changed the blocks WAL modified since the parent started
     * @return the manifest written
     */
    public static BackupManifest takeWithSummaries(Repository repo, Path data, String name, Lsn start,
                                                   Instant backupStart, BackupManifest parent, int filesPerPart,
                                                   ChangedBlocks changed) throws IOException {
        return take(repo, data, name, start, backupStart, parent, filesPerPart, 0, changed);
    }

    /**
     * Backs up a directory as a backup run does: files grouped into parts of about
     * {@code partSize} bytes, written in parallel, a file larger than the chunk size that
     * {@code partSize} implies cut into chunks, each a part of its own.
     *
     * @param repo where to store the backup
     * @param data the data directory; must hold {@code global/pg_control}
     * @param name the backup name
     * @param start the backup's start LSN
     * @param backupStart the backup's start time
     * @param parent the parent of a delta, or {@code null} for a full backup
     * @param partSize the part size threshold, at least 1 MiB
     * @return the manifest written
     */
    public static BackupManifest takeInParts(Repository repo, Path data, String name, Lsn start, Instant backupStart,
                                             BackupManifest parent, long partSize) throws IOException {
        return take(repo, data, name, start, backupStart, parent, 0, partSize, null);
    }

    private static BackupManifest take(Repository repo, Path data, String name, Lsn start, Instant backupStart,
                                       BackupManifest parent, int filesPerPart, long partSize, ChangedBlocks changed)
            throws IOException {
        String prefix = RepositoryLayout.backupPrefix(name);
        Map<String, FileEntry> parentFiles = null;
        if (parent != null) {
            parentFiles = new HashMap<>();
            for (FileEntry f : parent.files()) {
                parentFiles.put(f.path(), f);
            }
        }
        BackupContext ctx = new BackupContext(BS, 131072, false, start.value(), backupStart, false,
                parentFiles == null ? null : parentFiles::get,
                parent == null ? 0 : parent.startLsn().value(), parent == null ? null : parent.startTime(), changed);
        List<SourceFile> sources = new ArrayList<>();
        SourceFile control = null;
        List<FileEntry> entries = new ArrayList<>();
        try (Stream<Path> s = Files.walk(data)) {
            for (Path p : s.sorted().toList()) {
                String rel = data.relativize(p).toString();
                if (rel.isEmpty()) {
                    continue;
                }
                Instant mtime = Files.getLastModifiedTime(p).toInstant();
                if (Files.isDirectory(p)) {
                    entries.add(FileEntry.directory(rel, 0700, mtime));
                    continue;
                }
                SourceFile sf = new SourceFile(rel, data, Files.size(p), 0600, mtime, false);
                if (rel.equals(CONTROL)) {
                    control = sf;
                } else {
                    sources.add(sf);
                }
            }
        }
        List<BackupManifest.Part> parts = new ArrayList<>();
        if (partSize > 0) {
            try (io.walkeeper.core.repo.FileListSpill spill = io.walkeeper.core.repo.FileListSpill.create()) {
                parts.addAll(new PartUploads(repo, new BackupSettings(partSize, 2, java.time.Duration.ofSeconds(10), 0,
                        io.walkeeper.api.DeltaOrigin.LATEST, java.time.Duration.ofSeconds(60))).write(prefix, sources, ctx, spill));
                entries.addAll(spill.entries());
            }
        }
        for (int i = 0; filesPerPart > 0 && i < sources.size(); i += filesPerPart) {
            try (PartWriter.Written w = new PartWriter(repo, prefix, ctx).write(String.format("part_%04d", i / filesPerPart + 1),
                    sources.subList(i, Math.min(sources.size(), i + filesPerPart)))) {
                parts.add(w.part());
                entries.addAll(w.files());
            }
        }
        try (PartWriter.Written c = new PartWriter(repo, prefix, ctx).write("pg_control", List.of(control))) {
            parts.add(c.part());
            entries.addAll(c.files());
        }
        long stored = parts.stream().mapToLong(BackupManifest.Part::storedSize).sum();
        BackupManifest m = BackupManifest.builder()
                .name(name)
                .kind(parent == null ? BackupKind.FULL : BackupKind.DELTA)
                .parent(parent == null ? null : parent.name())
                .timeline(TimelineId.FIRST)
                .startLsn(start)
                .stopLsn(start.plus(0x1000))
                .startWalSegment(io.walkeeper.api.WalSegmentName.containing(TimelineId.FIRST, start, 16 << 20).toString())
                .stopWalSegment(io.walkeeper.api.WalSegmentName.containing(TimelineId.FIRST, start, 16 << 20).toString())
                .startTime(backupStart)
                .finishTime(backupStart.plusSeconds(60))
                .pgVersionNum(150000)
                .systemIdentifier("1")
                .walSegmentSize(16 << 20)
                .blockSize(BS)
                .labels(Map.of())
                .backupLabel("START WAL LOCATION: " + start + "\n")
                .tablespaceMap("")
                .tablespaces(List.of())
                .compression("none")
                .dataSize(ctx.bytesRead.get())
                .storedSize(stored)
                .parts(parts)
                .files(entries)
                .statistics(ctx.statistics(stored))
                .corruptPages(ctx.corruptPages())
                .build();
        repo.writeManifest(m);
        return m;
    }
}
