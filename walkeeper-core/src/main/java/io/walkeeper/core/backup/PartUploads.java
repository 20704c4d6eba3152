package io.walkeeper.core.backup;

import io.walkeeper.core.io.Workers;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.Repository;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Groups a backup's files into tar parts of about the threshold's size, in walk order, and writes
 * the parts in parallel ({@code part_0001}, {@code part_0002}, …).
 */
final class PartUploads {
    private final Repository repository;
    private final BackupSettings settings;

    PartUploads(Repository repository, BackupSettings settings) {
        this.repository = repository;
        this.settings = settings;
    }

    /** What the parts hold, in part order. */
    record Result(List<BackupManifest.Part> parts, List<FileEntry> files) {
    }

    /**
     * Files in order, a new group started before a file that would take the group past the
     * threshold (a file larger than the threshold is a group of its own). Directories are left out.
     */
    static List<List<SourceFile>> plan(List<SourceFile> entries, long threshold) {
        List<List<SourceFile>> plan = new ArrayList<>();
        List<SourceFile> current = new ArrayList<>();
        long currentSize = 0;
        for (SourceFile f : entries) {
            if (f.directory()) {
                continue;
            }
            if (!current.isEmpty() && currentSize + f.size() > threshold) {
                plan.add(current);
                current = new ArrayList<>();
                currentSize = 0;
            }
            current.add(f);
            currentSize += f.size() + 512;
        }
        if (!current.isEmpty()) {
            plan.add(current);
        }
        return plan;
    }

    Result write(String prefix, List<SourceFile> entries, BackupContext context) {
        List<List<SourceFile>> plan = plan(entries, settings.partSizeThreshold());
        List<BackupManifest.Part> parts = new ArrayList<>();
        List<FileEntry> files = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.concurrency(), Math.max(1, plan.size())),
                Workers.named("walkeeper-backup-part"));
        try {
            List<Future<PartWriter.Written>> futures = new ArrayList<>();
            for (int i = 0; i < plan.size(); i++) {
                String partName = String.format("part_%04d", i + 1);
                List<SourceFile> chunk = plan.get(i);
                futures.add(pool.submit(() -> new PartWriter(repository, prefix, context).write(partName, chunk)));
            }
            for (Future<PartWriter.Written> f : futures) {
                PartWriter.Written w = Workers.await(f, "Writing a backup part", "no manifest was written");
                parts.add(w.part());
                files.addAll(w.files());
            }
        } finally {
            Workers.stopAndWait(pool);
        }
        return new Result(parts, files);
    }
}
