package io.walkeeper.core.backup;

import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import io.walkeeper.core.pg.BackupSession;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link BackupSession} that answers from its fields, for unit tests of a backup run's phases
 * without a server. Records the backup API calls it receives.
 */
final class ScriptedSession implements BackupSession {
    String dataDirectory;
    long systemIdentifier = 7_000_000_000_000_000_001L;
    int versionNum = 160004;
    long walSegmentSize = 16L << 20;
    boolean standby;
    String archiveMode = "on";
    Lsn start = Lsn.parse("0/2000028");
    Lsn stop = Lsn.parse("0/2000138");
    TimelineId timeline = TimelineId.of(1);
    /** Runs inside {@link #stopBackup()}, before it returns: what happens on the storage meanwhile. */
    Runnable duringStop = () -> { };
    final List<String> calls = new CopyOnWriteArrayList<>();

    ScriptedSession(Path dataDirectory) {
        this.dataDirectory = dataDirectory.toString();
    }

    @Override
    public String server() {
        return "scripted server";
    }

    @Override
    public int versionNum() {
        return versionNum;
    }

    @Override
    public String dataDirectory() {
        return dataDirectory;
    }

    @Override
    public long systemIdentifier() {
        return systemIdentifier;
    }

    @Override
    public long walSegmentSize() {
        return walSegmentSize;
    }

    @Override
    public int blockSize() {
        return 8192;
    }

    @Override
    public long blocksPerSegment() {
        return 131072;
    }

    @Override
    public boolean dataChecksums() {
        return false;
    }

    @Override
    public boolean inRecovery() {
        return standby;
    }

    @Override
    public String archiveMode() {
        return archiveMode;
    }

    @Override
    public Optional<String> statsTempDirectory() {
        return Optional.empty();
    }

    @Override
    public TimelineId checkpointTimeline() {
        return timeline;
    }

    @Override
    public Lsn startBackup(String label, boolean fast) {
        calls.add("start");
        return start;
    }

    @Override
    public StopResult stopBackup() {
        calls.add("stop");
        duringStop.run();
        String label = "START WAL LOCATION: " + start + " (file 000000010000000000000002)\nCHECKPOINT LOCATION: " + start
                + "\nBACKUP METHOD: streamed\nBACKUP FROM: " + (standby ? "standby" : "primary")
                + "\nSTART TIME: 2026-01-01 10:00:00 UTC\nLABEL: test\nSTART TIMELINE: " + timeline.asLong() + "\n";
        return new StopResult(stop, label, "");
    }

    @Override
    public void close() {
        calls.add("close");
    }
}
