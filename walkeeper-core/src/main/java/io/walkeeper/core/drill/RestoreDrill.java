package io.walkeeper.core.drill;

import io.walkeeper.api.DrillCheck;
import io.walkeeper.api.DrillReport;
import io.walkeeper.api.DrillRequest;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.RecoveryTarget;
import io.walkeeper.api.RecoveryTargetAction;
import io.walkeeper.api.RestoreRequest;
import io.walkeeper.api.RestoreResult;
import io.walkeeper.api.Restorer;
import io.walkeeper.api.TimelineId;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.api.WalSegmentName;
import io.walkeeper.core.backup.BackupCatalogue;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One restore drill, phase by phase: {@code select} the backup, the binaries and the OS account;
 * {@code prepare} a private temporary directory; {@code restore} the backup into it (every
 * tablespace mapped inside it too); {@code startServer}; {@code awaitPromotion}; {@code inspect}
 * what recovery reached; {@code check}; and, whatever happened, {@code cleanUp}: stop the server,
 * remove the directory and wait for the processes that worked in it (a shutdown hook does the same
 * if the process is stopped during the drill). Failures of the backup or of recovery end in the
 * report; only a request that cannot start throws.
 *
 * <p>Over 300 lines because every phase shares the drill's state (deadline, server, directory,
 * measured times) and the clean-up that must see all of it; the server, its binaries, the OS
 * account, the checks and the reports are classes of their own.
 */
public final class RestoreDrill {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreDrill.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration STOP_PATIENCE = Duration.ofSeconds(60);

    private final Repository repository;
    private final Restorer restorer;
    private final DrillRequest request;
    private final Instant startedAt = Instant.now();
    private final long startNanos = System.nanoTime();
    private final Instant deadline;
    private final List<DrillCheck> checks = new ArrayList<>();

    private BackupManifest manifest;
    private RecoveryTarget target;
    private Path binDir;
    private OsAccount account;
    private volatile Path root;
    private volatile DrillServer server;
    private String failure;
    private Duration restoreDuration;
    private Duration timeToConsistency;
    private Duration timeToPromotion;
    private Instant consistentSeen;
    private String pgVersion;
    private Lsn recoveredLsn;
    private TimelineId recoveredTimeline;
    private Instant lastTransaction;
    private List<String> restored = List.of();
    private boolean cleanedUp;

    /**
     * Prepares a drill.
     *
     * @param repository the repository the backup is in
     * @param restorer the restorer that lays the backup down
     * @param request what to drill
     */
    public RestoreDrill(Repository repository, Restorer restorer, DrillRequest request) {
        this.repository = repository;
        this.restorer = restorer;
        this.request = request;
        this.deadline = startedAt.plus(request.timeout());
    }

    /**
     * Runs the drill and stores its report when the request asks to.
     *
     * @return the report
     */
    public DrillReport run() {
        select();
        InterruptedException interrupted = null;
        Thread hook = new Thread(this::cleanUp, "walkeeper-drill-clean-up");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            prepare();
            if (restore() && startServer() && awaitPromotion()) {
                inspect();
                check();
            }
        } catch (InterruptedException e) {
            interrupted = e;
        } catch (IOException e) {
            fail("the drill could not use its directory " + root + ": " + e.getMessage());
        } finally {
            cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs or has run: it found everything clean
            }
        }
        if (interrupted != null) {
            Thread.currentThread().interrupt();
            throw new WalKeeperException(ErrorCode.INTERRUPTED, "The restore drill of " + manifest.name()
                    + " was interrupted; its server was stopped and its directory removed", interrupted);
        }
        DrillReport report = new DrillReport(manifest.name(), target.toString(), startedAt, failure, pgVersion,
                restoreDuration, timeToConsistency, timeToPromotion, sinceStart(), recoveredLsn, recoveredTimeline,
                lastTransaction, restored.size(), checks);
        if (report.ok()) {
            LOG.info("Drill of {} passed: promoted after {} ms, recovered to {}", report.backup(),
                    timeToPromotion.toMillis(), recoveredLsn);
        } else {
            LOG.warn("Drill of {} failed: {}", report.backup(), failure);
        }
        if (request.keepReport()) {
            String key = new DrillReports(repository).store(report);
            LOG.info("Drill report stored as {}", key);
        }
        return report;
    }

    /** Chooses the backup, the binaries of its major version and the OS account; throws if the drill cannot start. */
    private void select() {
        for (String name : request.serverSettings().keySet()) {
            if (DrillServer.ENFORCED.contains(name)) {
                throw new InvalidRequestException("Cannot set " + name + " for a drill server: the drill sets it itself "
                        + "to keep the server isolated");
            }
        }
        RecoveryTarget t = request.recoveryTarget();
        target = t.type() == RecoveryTarget.Type.LATEST ? t : t.withAction(RecoveryTargetAction.PROMOTE);
        manifest = new BackupCatalogue(repository).select(BackupCatalogue.selectorFor(request.backup(), target));
        binDir = PostgresBinaries.locate(request.binDirectory(), manifest.pgVersionNum() / 10000);
        account = OsAccount.choose(request.osUser());
    }

    private RestoreRequest restoreRequest(Path data) {
        return RestoreRequest.of(request.backup(), data, request.restoreCommand()).target(target)
                .withUnsignedManifestsAccepted(request.acceptUnsignedManifests());
    }

    /** Makes the private temporary directory: {@code data/} (by the restore), {@code tablespaces/}, {@code run/}. */
    private void prepare() throws IOException {
        root = request.workDirectory() == null ? Files.createTempDirectory("walkeeper-drill-")
                : Files.createTempDirectory(request.workDirectory(), "walkeeper-drill-");
        Path run = Files.createDirectory(root.resolve("run"));
        server = new DrillServer(binDir, root.resolve("data"), run, root.resolve("postgres.log"), account);
        LOG.info("Drilling backup {} in {} with the PostgreSQL binaries in {}{}", manifest.name(), root, binDir,
                account.name() == null ? "" : " as OS user " + account.name());
    }

    private boolean restore() throws IOException {
        long t0 = System.nanoTime();
        RestoreRequest r = restoreRequest(root.resolve("data"));
        for (BackupManifest.Tablespace ts : manifest.tablespaces() == null ? List.<BackupManifest.Tablespace>of()
                : manifest.tablespaces()) {
            r = r.withTablespace(ts.oid(), root.resolve("tablespaces").resolve(ts.oid()));
        }
        try {
            RestoreResult result = restorer.restore(r);
            restoreDuration = Duration.ofNanos(System.nanoTime() - t0);
            LOG.info("Drill: restored {} files of {} in {} ms", result.files(), manifest.name(), restoreDuration.toMillis());
        } catch (InvalidRequestException e) {
            throw e;
        } catch (WalKeeperException e) {
            restoreDuration = Duration.ofNanos(System.nanoTime() - t0);
            checks.add(new DrillCheck("restore", DrillCheck.Status.FAILED, e.getMessage(), restoreDuration));
            fail("the restore of " + manifest.name() + " failed: " + e.getMessage());
            return false;
        }
        server.writeConfiguration();
        account.handOver(root);
        return true;
    }

    private boolean startServer() throws IOException {
        server.start(request.serverSettings());
        return true;
    }

    /**
     * Waits until the server is out of recovery: polls {@code pg_is_in_recovery()} through its
     * socket. Fails when the server stops or the deadline passes.
     */
    private boolean awaitPromotion() throws InterruptedException {
        long t0 = System.nanoTime();
        Connection c = null;
        try {
            while (true) {
                if (!server.isAlive()) {
                    recoveryFailed("PostgreSQL stopped during recovery", t0);
                    return false;
                }
                if (Instant.now().isAfter(deadline)) {
                    recoveryFailed("recovery did not end within the drill's timeout of " + request.timeout().toSeconds()
                            + " s", t0);
                    return false;
                }
                try {
                    if (c == null) {
                        c = server.connect(request.role(), "postgres");
                    }
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                        rs.next();
                        if (consistentSeen == null) {
                            consistentSeen = Instant.now();
                        }
                        if (!rs.getBoolean(1)) {
                            timeToPromotion = sinceStart();
                            break;
                        }
                    }
                } catch (SQLException e) {
                    if (e.getMessage() != null && e.getMessage().contains("does not exist") && "28000".equals(e.getSQLState())) {
                        recoveryFailed("the drill cannot connect as role " + request.role() + ": " + e.getMessage()
                                + " (HINT: name a superuser of the backed-up cluster)", t0);
                        return false;
                    }
                    closeQuietly(c);
                    c = null;
                }
                Thread.sleep(POLL.toMillis());
            }
        } finally {
            closeQuietly(c);
        }
        Instant logged = DrillServer.consistentAt(server.log());
        Instant consistent = logged != null && (consistentSeen == null || logged.isBefore(consistentSeen)) ? logged
                : consistentSeen;
        timeToConsistency = consistent == null ? null : Duration.between(startedAt, consistent);
        return true;
    }

    private void recoveryFailed(String what, long t0) {
        String log = server.log();
        restored = DrillServer.restoredSegments(log);
        StringBuilder cause = new StringBuilder(what);
        Optional<String> missing = WalContinuity.firstMissing(repository, manifest.startWalSegment(),
                manifest.stopWalSegment(), manifest.walSegmentSize());
        missing.ifPresent(m -> cause.append("; WAL segment ").append(m).append(", which recovery from ")
                .append(manifest.name()).append(" needs to reach a consistent state, is not in the archive ")
                .append(repository.store().location()));
        List<String> problems = DrillServer.problems(log);
        if (!problems.isEmpty()) {
            cause.append("; the server log says: ").append(String.join(" | ", problems));
        }
        if (!restored.isEmpty()) {
            cause.append("; last WAL restored: ").append(restored.get(restored.size() - 1));
        }
        checks.add(new DrillCheck("recovery", DrillCheck.Status.FAILED, cause.toString(),
                Duration.ofNanos(System.nanoTime() - t0)));
        fail(cause.toString());
    }

    /** Reads where recovery ended, and the server's version. */
    private void inspect() {
        String log = server.log();
        restored = DrillServer.restoredSegments(log);
        try (Connection c = server.connect(request.role(), "postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_last_wal_replay_lsn()::text, pg_last_xact_replay_timestamp(), "
                     + "current_setting('server_version')")) {
            rs.next();
            recoveredLsn = rs.getString(1) == null ? null : Lsn.parse(rs.getString(1));
            Timestamp ts = rs.getTimestamp(2);
            lastTransaction = ts == null ? null : ts.toInstant();
            pgVersion = rs.getString(3);
        } catch (SQLException e) {
            fail("the promoted server does not answer: " + e.getMessage());
            return;
        }
        if (!restored.isEmpty()) {
            recoveredTimeline = WalSegmentName.parse(restored.get(restored.size() - 1), manifest.walSegmentSize()).timeline();
        }
        checks.add(new DrillCheck("recovery", DrillCheck.Status.PASSED, "consistent after "
                + (timeToConsistency == null ? "?" : timeToConsistency.toMillis() + " ms") + ", promoted after "
                + timeToPromotion.toMillis() + " ms; replayed to " + recoveredLsn
                + (recoveredTimeline == null ? "" : " on timeline " + recoveredTimeline.asLong()) + "; "
                + restored.size() + " WAL file(s) restored from the archive", timeToPromotion));
    }

    private void check() throws InterruptedException {
        if (target.type() == RecoveryTarget.Type.LATEST && !restored.isEmpty()) {
            record(WalContinuity.afterRecovery(repository, restored.get(restored.size() - 1), manifest.walSegmentSize()));
        }
        if (request.amcheck()) {
            record(DrillChecks.amcheck(binDir, server, request.role(), remaining()));
        } else {
            checks.add(new DrillCheck(DrillChecks.AMCHECK, DrillCheck.Status.SKIPPED, "not asked for", Duration.ZERO));
        }
        if (request.checkSql() != null) {
            record(DrillChecks.sql(server, request.role(), request.checkDatabase(), request.checkSql(), remaining()));
        }
    }

    private void record(DrillCheck c) {
        checks.add(c);
        if (c.status() == DrillCheck.Status.FAILED) {
            fail(c.name() + ": " + c.detail());
        }
    }

    private void fail(String cause) {
        if (failure == null) {
            failure = cause;
        }
    }

    private Duration remaining() {
        Duration d = Duration.between(Instant.now(), deadline);
        return d.isNegative() || d.isZero() ? Duration.ofSeconds(1) : d;
    }

    private Duration sinceStart() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /**
     * Stops the server, removes the directory, and waits for processes still working in it. Runs
     * once, at the end of the drill or from the shutdown hook when the process is stopped first.
     */
    private synchronized void cleanUp() {
        if (cleanedUp) {
            return;
        }
        cleanedUp = true;
        if (server != null) {
            try {
                server.stop(STOP_PATIENCE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (root != null) {
            DrillDirectory.remove(root);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // the connection is gone already
            }
        }
    }
}
