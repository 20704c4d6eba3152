package io.walkeeper.core.backup;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupRequest;
import io.walkeeper.api.ConflictException;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.PostgresException;
import io.walkeeper.api.ProgressListener;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.TimelineId;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.api.WalSegmentName;
import io.walkeeper.core.io.ProgressTicker;
import io.walkeeper.core.pg.BackupSession;
import io.walkeeper.core.pg.ChangedBlocks;
import io.walkeeper.core.repo.BackupLease;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.FileListIndex;
import io.walkeeper.core.repo.FileListSpill;
import io.walkeeper.core.repo.IndexedManifest;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code backup-push}, in the phases it goes through: {@link #preflight} (is this the
 * server's data directory, is WAL archived, does the repository belong to this cluster),
 * {@link #start} (delta parent, non-exclusive backup start), {@link #reserve} (the lease that
 * claims the name), {@link #copy} (files into tar parts in parallel, {@code pg_control} last),
 * {@link #stopAndWaitForWal} (backup stop, then every WAL segment the backup needs in the archive)
 * and {@link #commit} (the manifest, which makes the backup listed). A run that fails after the
 * reservation removes exactly the objects it created, and keeps them all when it cannot tell
 * whether its manifest was stored.
 *
 * <p>Just over 300 lines because the phases and the clean-up that undoes them read best side by
 * side; each phase's work lives in its own class (Preflight, DeltaPlanner, LeaseHolder,
 * PartUploads, BackupSession).
 */
final class BackupRun {
    private static final Logger LOG = LoggerFactory.getLogger(BackupRun.class);
    private static final Pattern START_TIMELINE = Pattern.compile("(?m)^START TIMELINE: (\\d+)");

    private final Repository repository;
    private final BackupSession pg;
    private final Path dataDirectory;
    private final BackupSettings settings;
    private final BackupRequest request;
    private final DeltaPlanner planner;
    private final ProgressListener listener;
    /** Set when a failure leaves it unknown whether the manifest was stored: then no part may be deleted. */
    private boolean keepParts;
    /** Set once the manifest's write has begun: an Error after that may follow a stored manifest. */
    private boolean manifestWriteBegun;

    BackupRun(Repository repository, BackupSession pg, Path dataDirectory, BackupSettings settings, BackupRequest request) {
        this(repository, pg, dataDirectory, settings, request, ProgressListener.NONE);
    }

    BackupRun(Repository repository, BackupSession pg, Path dataDirectory, BackupSettings settings, BackupRequest request,
              ProgressListener listener) {
        this.listener = listener;
        this.repository = repository;
        this.pg = pg;
        this.dataDirectory = dataDirectory;
        this.settings = settings;
        this.request = request;
        this.planner = new DeltaPlanner(repository, settings);
    }

    /** What is known once PostgreSQL has started the backup. */
    record Started(ClusterFacts cluster, Instant startTime, Lsn start, TimelineId timeline, WalSegmentName startSegment,
                   BackupManifest parent) {
        String baseName() {
            return "base_" + startSegment + (parent == null ? "" : "_D_" + parent.startWalSegment());
        }
    }

    /** What the copy wrote. */
    record Copied(List<BackupManifest.Part> parts, List<FileEntry> files, List<BackupManifest.Tablespace> tablespaces) {
    }

    /** Where the backup stopped and which WAL it needs. */
    record Stopped(BackupSession.StopResult stop, TimelineId timeline, WalSegmentName stopSegment) {
    }

    /** Runs every phase. */
    BackupInfo run() {
        Instant startTime = Instant.now();
        ClusterFacts cluster = preflight();
        try (IndexedManifest candidate = planner.candidate(request, cluster)) {
            Started started = start(cluster, candidate == null ? null : candidate.header(), startTime);
            try (LeaseHolder lease = reserve(started)) {
                return copyStopCommit(lease.name(), started, started.parent() == null ? null : candidate.files());
            }
        }
    }

    /** Checks the server, its data directory and the repository before anything is started or written. */
    ClusterFacts preflight() {
        return Preflight.check(pg, dataDirectory, repository);
    }

    /** Starts the backup on the server and settles the delta parent against the start LSN and timeline. */
    Started start(ClusterFacts cluster, BackupManifest candidate, Instant startTime) {
        Lsn start = pg.startBackup("walkeeper " + startTime, request.fastCheckpoint());
        TimelineId timeline = pg.checkpointTimeline();
        WalSegmentName startSegment = WalSegmentName.containing(timeline, start, cluster.segSize());
        return new Started(cluster, startTime, start, timeline, startSegment, planner.confirm(candidate, timeline, start));
    }

    /** Claims the backup's name with a lease, which retention sees while the run lasts. */
    LeaseHolder reserve(Started b) {
        BackupLease template = new BackupLease(null, null, null, 0, b.startTime().toString(), null, b.timeline().asLong(),
                b.start().toString(), b.startSegment().toString(), b.parent() == null ? null : b.parent().name());
        return LeaseHolder.acquire(repository, b.baseName(), template, settings.leaseTimeout());
    }

    private BackupInfo copyStopCommit(String name, Started b, FileListIndex parentFiles) {
        BackupManifest parent = b.parent();
        LOG.info("Backup {} started at {} on timeline {}{}{}", name, b.start(), b.timeline(),
                b.cluster().standby() ? " (standby)" : "", parent == null ? "" : " as a delta of " + parent.name());
        BackupContext context = new BackupContext(b.cluster().blockSize(), b.cluster().blocksPerSegment(),
                b.cluster().checksums(), b.start().value(), b.startTime(), request.failOnCorruptPage(),
                parentFiles == null ? null : parentFiles::find, parent == null ? 0 : parent.startLsn().value(),
                parent == null ? null : parent.startTime(), changedBlocks(b));
        // the new backup's file list waits on disk, not on the heap, until the manifest is written
        try (FileListSpill files = FileListSpill.create()) {
            Copied copied = copy(name, b, context, files);
            Stopped stopped = stopAndWaitForWal(b);
            return commit(name, b, copied, stopped, context);
        } catch (RuntimeException | IOException e) {
            if (!keepParts) {
                removeCreated(context.createdKeys());
            }
            if (e instanceof IOException io) {
                throw new StorageException("Backup " + name + " failed while reading " + b.cluster().dataDir() + ": "
                        + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        } catch (Error e) {
            // out of memory, say: the parts are removed as for any failure, unless the manifest
            // may have been stored, which an Error cannot be trusted to tell; delete garbage then
            // removes what no listed backup needs
            if (!keepParts && !manifestWriteBegun) {
                try {
                    removeCreated(context.createdKeys());
                } catch (Error again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
    }

    /**
     * The blocks a delta must read, from the server's WAL summaries of the range from the
     * parent's start to this backup's start; {@code null} (read every block) for a full backup,
     * a parent on another timeline, or summaries that do not cover the range.
     */
    private ChangedBlocks changedBlocks(Started b) {
        BackupManifest parent = b.parent();
        if (parent == null || !parent.timeline().equals(b.timeline())) {
            return null;
        }
        return pg.changedBlocks(b.timeline(), parent.startLsn(), b.start()).orElse(null);
    }

    /** Streams the data directory into parts, {@code pg_control} in a part of its own, written last. */
    Copied copy(String name, Started b, BackupContext context, FileListSpill files) throws IOException {
        Path dataDir = b.cluster().dataDir();
        String prefix = RepositoryLayout.backupPrefix(name);
        DataDirectoryWalker.Result walk = new DataDirectoryWalker(dataDir, b.cluster().version() / 10000,
                b.cluster().extraExcluded()).walk();
        walk.entries().stream().filter(SourceFile::directory).forEach(d -> files.add(
                FileEntry.directory(d.archivePath(), d.mode(), d.mtime())));
        List<SourceFile> sources = walk.entries().stream().filter(f -> !f.directory()).toList();
        long bytesTotal = sources.stream().mapToLong(SourceFile::size).sum() + walk.pgControl().size();
        List<BackupManifest.Part> parts;
        try (ProgressTicker ticker = new ProgressTicker("backup", name, listener,
                () -> context.bytesRead.get() + context.bytesUnread.get(), bytesTotal,
                () -> context.filesWhole.get() + context.filesDelta.get() + context.filesUnchanged.get(), sources.size() + 1)) {
            parts = new ArrayList<>(new PartUploads(repository, settings).write(prefix, walk.entries(), context, files));
            try (PartWriter.Written control = new PartWriter(repository, prefix, context).write("pg_control",
                    List.of(walk.pgControl()))) {
                if (control.files().isEmpty()) {
                    throw new PostgresException("global/pg_control vanished from " + dataDir + " during the backup");
                }
                parts.add(control.part());
                control.files().forEach(files::add);
            }
            ticker.finish();
        }
        return new Copied(parts, files.entries(), walk.tablespaces());
    }

    /** Stops the backup and waits until every WAL segment from its start to its stop is archived. */
    Stopped stopAndWaitForWal(Started b) {
        BackupSession.StopResult stop = pg.stopBackup();
        TimelineId labelTimeline = labelTimeline(stop.labelFile(), b.timeline());
        WalSegmentName stopSegment = new WalSegmentName(labelTimeline,
                stop.stopLsn().previousSegmentNumber(b.cluster().segSize()), b.cluster().segSize());
        if (stopSegment.compareTo(b.startSegment()) < 0) {
            stopSegment = b.startSegment();
        }
        waitForWal(b.startSegment(), stopSegment, b.cluster().standby());
        return new Stopped(stop, labelTimeline, stopSegment);
    }

    /** Writes the manifest, which makes the backup listed; before that, checks its delta parent is still there. */
    BackupInfo commit(String name, Started b, Copied copied, Stopped stopped, BackupContext context) {
        BackupManifest parent = b.parent();
        checkParentStillThere(name, parent);
        ClusterFacts c = b.cluster();
        long stored = copied.parts().stream().mapToLong(BackupManifest.Part::storedSize).sum();
        BackupKind kind = parent == null ? BackupKind.FULL : BackupKind.DELTA;
        BackupManifest manifest = BackupManifest.builder()
                .name(name)
                .kind(kind)
                .parent(parent == null ? null : parent.name())
                .timeline(stopped.timeline())
                .startLsn(b.start())
                .stopLsn(stopped.stop().stopLsn())
                .startWalSegment(b.startSegment().toString())
                .stopWalSegment(stopped.stopSegment().toString())
                .startTime(b.startTime())
                .finishTime(Instant.now())
                .pgVersionNum(c.version())
                .systemIdentifier(Long.toUnsignedString(c.sysid()))
                .dataChecksums(c.checksums())
                .walSegmentSize(c.segSize())
                .blockSize(c.blockSize())
                .permanent(request.permanent())
                .labels(request.labels())
                .backupLabel(stopped.stop().labelFile())
                .tablespaceMap(stopped.stop().tablespaceMap())
                .tablespaces(copied.tablespaces())
                .compression(repository.format().codec().name())
                .dataSize(context.bytesRead.get())
                .storedSize(stored)
                .parts(copied.parts())
                .files(copied.files())
                .statistics(context.statistics(stored))
                .corruptPages(context.corruptPages())
                .build();
        manifestWriteBegun = true;
        try {
            repository.writeManifest(manifest, context::creating);
        } catch (RuntimeException e) {
            Optional<BackupInfo> landed = manifestLanded(manifest, e);
            if (landed.isPresent()) {
                return landed.get();
            }
            throw e;
        }
        logCompleted(manifest);
        return manifest.toInfo();
    }

    private static void logCompleted(BackupManifest manifest) {
        var st = manifest.statistics();
        LOG.info("Backup {} completed ({}{}): {} files ({} whole, {} as changed pages, {} unchanged of which {} not read), "
                + "{} bytes read, {} bytes not read, {} pages scanned, {} pages stored, {} bytes stored in {} parts",
                manifest.name(), manifest.kind(), manifest.parent() == null ? "" : " of " + manifest.parent(),
                FileListSpill.regularFiles(manifest.files()), st.filesStoredWhole(),
                st.filesStoredAsDelta(), st.filesSkippedUnchanged(), st.filesSkippedUnread(), st.bytesRead(),
                st.bytesSkippedUnread(), st.pagesScanned(), st.pagesStored(), st.bytesStored(), manifest.parts().size());
        if (!manifest.corruptPages().isEmpty()) {
            LOG.warn("Backup {} read {} data pages whose checksum is wrong: {} (HINT: check the storage and run "
                    + "pg_amcheck; the backup holds the pages as they are on disk)", manifest.name(),
                    manifest.corruptPages().size(), manifest.corruptPages());
        }
    }

    private static TimelineId labelTimeline(String label, TimelineId fallback) {
        Matcher m = START_TIMELINE.matcher(label);
        return m.find() ? TimelineId.of(Long.parseLong(m.group(1))) : fallback;
    }

    /**
     * Just before the manifest makes a delta visible: its parent, chosen when the backup began,
     * must still be in the repository, which retention run at the same time could have removed.
     * Without the parent the delta would be listed but could not be restored.
     */
    private void checkParentStillThere(String name, BackupManifest parent) {
        if (parent != null && repository.readManifestSummary(parent.name()).isEmpty()) {
            throw new ConflictException("Backup " + name + " is not usable: its parent " + parent.name() + " was deleted "
                    + "while it ran (retention at the same time?); nothing was listed (HINT: take the backup again)");
        }
    }

    private void waitForWal(WalSegmentName first, WalSegmentName last, boolean standby) {
        Instant deadline = Instant.now().plus(settings.walArchiveTimeout());
        WalSegmentName next = first;
        while (next.compareTo(last) <= 0) {
            if (repository.findWal(next.toString()).isPresent()) {
                next = next.next();
                continue;
            }
            if (Instant.now().isAfter(deadline) && standby) {
                throw new PostgresException("Backup taken on a standby is not usable: WAL segment " + next + ", which it "
                        + "needs, did not reach the archive within " + settings.walArchiveTimeout().toSeconds() + " s. A standby "
                        + "does not switch WAL segments: the primary archives a segment once it is full or switched; nothing "
                        + "was listed (HINT: set archive_timeout on the primary (e.g. 60s) so that it switches segments when "
                        + "writes are few, or run SELECT pg_switch_wal() on the primary during the backup, and allow the "
                        + "backup more time to wait for WAL)");
            }
            if (Instant.now().isAfter(deadline)) {
                throw new PostgresException("Backup is not usable: WAL segment " + next + " did not reach the archive within "
                        + settings.walArchiveTimeout().toSeconds() + " s (HINT: check that archive_command runs "
                        + "'walkeeper wal-push %p' with this storage, and look for archiver errors in the server log)");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WalKeeperException(ErrorCode.INTERRUPTED, "Interrupted while waiting for WAL " + next, e);
            }
        }
    }

    /**
     * After the manifest write reported a failure: if the manifest is stored (the write landed but
     * its success was lost), the backup is complete; if it cannot be told, or a different manifest
     * is stored, nothing may be deleted, since a stored manifest must never point at removed parts.
     */
    private Optional<BackupInfo> manifestLanded(BackupManifest ours, RuntimeException failure) {
        Optional<BackupManifest> stored;
        try {
            stored = repository.readManifest(ours.name());
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            keepParts = true;
            throw new StorageException("Backup " + ours.name() + ": writing its manifest failed (" + failure.getMessage()
                    + ") and the repository cannot tell whether it was stored, so its parts are kept (HINT: list the "
                    + "backups once the storage answers: if " + ours.name() + " is listed it is complete; otherwise delete "
                    + "backups/" + ours.name() + "/)", failure);
        }
        if (stored.isPresent() && stored.get().parts().equals(ours.parts())) {
            LOG.info("Backup {}: its manifest was stored although the write reported {}; the backup is complete",
                    ours.name(), failure.toString());
            logCompleted(stored.get());
            return Optional.of(stored.get().toInfo());
        }
        if (stored.isPresent()) {
            LOG.error("Backup {}: a different manifest of that name is stored; nothing is deleted", ours.name());
            keepParts = true;
            throw failure;
        }
        return Optional.empty();
    }

    /** After a failure: removes the objects this run created, and nothing else (its lease still reserves the name). */
    private void removeCreated(List<String> keys) {
        try {
            repository.store().delete(keys);
        } catch (RuntimeException e) {
            LOG.warn("Could not remove the parts of the failed backup ({}): {}", keys, e.getMessage());
        }
    }
}
