package io.walkeeper.core.backup;

import io.walkeeper.core.io.Workers;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.FileListSpill;
import io.walkeeper.core.repo.Repository;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * Groups a backup's files into tar parts of about the threshold's size, in walk order, and writes
 * the parts in parallel ({@code part_0001}, {@code part_0002}, …). A file larger than the chunk
 * size that is copied whole (every large file of a full backup, a new one in a delta) is cut into
 * chunks, each a part of its own, so that the pieces of one large file are read, checked,
 * compressed, hashed and uploaded on every worker at once, and restored the same way. Each worker
 * holds one copy buffer, so memory does not grow with file sizes.
 */
final class PartUploads {
    /** The largest chunk of a file stored in pieces. */
    static final long MAX_CHUNK = 64L << 20;
    private static final long MIB = 1L << 20;

    private final Repository repository;
    private final BackupSettings settings;

    PartUploads(Repository repository, BackupSettings settings) {
        this.repository = repository;
        this.settings = settings;
    }

    /**
     * One part to write: files whole ({@code files}), or bytes {@code offset} to
     * {@code offset + length} of {@code chunkOf}.
     */
    record Planned(List<SourceFile> files, SourceFile chunkOf, long offset, long length) {
        static Planned whole(List<SourceFile> files) {
            return new Planned(List.copyOf(files), null, 0, 0);
        }

        static Planned chunk(SourceFile file, long offset, long length) {
            return new Planned(List.of(), file, offset, length);
        }
    }

    /**
     * The size of the chunks large files are cut into: the part size threshold, at most
     * {@link #MAX_CHUNK}, in whole MiB (so that every chunk but a file's last holds whole pages).
     */
    static long chunkSize(long threshold) {
        return Math.max(MIB, Math.min(threshold, MAX_CHUNK) / MIB * MIB);
    }

    /**
     * Files in order, a new group started before a file that would take the group past the
     * threshold (a file larger than the threshold is a group of its own). A file larger than
     * {@code chunkSize} that {@code chunkable} accepts becomes one group per chunk instead.
     * Directories are left out.
     */
    static List<Planned> plan(List<SourceFile> entries, long threshold, long chunkSize, Predicate<SourceFile> chunkable) {
        List<Planned> plan = new ArrayList<>();
        List<SourceFile> current = new ArrayList<>();
        long currentSize = 0;
        for (SourceFile f : entries) {
            if (f.directory()) {
                continue;
            }
            if (f.size() > chunkSize && chunkable.test(f)) {
                for (long offset = 0; offset < f.size(); offset += chunkSize) {
                    plan.add(Planned.chunk(f, offset, Math.min(chunkSize, f.size() - offset)));
                }
                continue;
            }
            if (!current.isEmpty() && currentSize + f.size() > threshold) {
                plan.add(Planned.whole(current));
                current = new ArrayList<>();
                currentSize = 0;
            }
            current.add(f);
            currentSize += f.size() + 512;
        }
        if (!current.isEmpty()) {
            plan.add(Planned.whole(current));
        }
        return plan;
    }

    /**
     * Writes the parts and adds what they hold to {@code files}, in part order.
     *
     * @return the parts, in order
     */
    List<BackupManifest.Part> write(String prefix, List<SourceFile> entries, BackupContext context, FileListSpill files) {
        // a file the parent holds goes through the delta rules (changed pages, or unchanged), whole
        Predicate<SourceFile> chunkable = f -> {
            FileEntry parent = context.delta() ? context.parentFiles.apply(f.archivePath()) : null;
            return parent == null || parent.isDirectory();
        };
        long threshold = settings.partSizeThreshold();
        List<Planned> plan = plan(entries, threshold, chunkSize(threshold), chunkable);
        List<BackupManifest.Part> parts = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.concurrency(), Math.max(1, plan.size())),
                Workers.named("walkeeper-backup-part"));
        List<Future<PartWriter.Written>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < plan.size(); i++) {
                String partName = String.format("part_%04d", i + 1);
                Planned p = plan.get(i);
                futures.add(pool.submit(() -> p.chunkOf() == null
                        ? new PartWriter(repository, prefix, context).write(partName, p.files())
                        : new PartWriter(repository, prefix, context).writeChunk(partName, p.chunkOf(), p.offset(), p.length())));
            }
            for (Future<PartWriter.Written> f : futures) {
                try (PartWriter.Written w = Workers.await(f, "Writing a backup part", "no manifest was written")) {
                    parts.add(w.part());
                    w.files().forEach(files::add);
                }
            }
        } finally {
            Workers.stopAndWait(pool);
            closeUnread(futures);
        }
        return parts;
    }

    /** After a failure: removes the file lists of the parts that were written but not read. */
    private static void closeUnread(List<Future<PartWriter.Written>> futures) {
        for (Future<PartWriter.Written> f : futures) {
            if (f.isDone() && !f.isCancelled()) {
                try {
                    f.get().close();
                } catch (ExecutionException | InterruptedException failedOrRead) {
                    // a part that failed holds no list; one read already had its list closed
                }
            }
        }
    }
}
