package io.walkeeper.core.backup;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.ConflictException;
import io.walkeeper.core.io.Workers;
import io.walkeeper.core.repo.BackupLease;
import io.walkeeper.core.repo.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running backup's claim on its name: the lease, created exclusively before anything else is
 * written, and renewed in the background until {@link #close()} removes it. Two runs that derive
 * the same name (on a standby both start at the same restartpoint; on a quiet primary it is
 * common) never share it: the one that cannot create the lease takes the next free name
 * ({@code base_…_2}, {@code _3}, …).
 */
final class LeaseHolder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseHolder.class);
    private static final int MAX_SUFFIX = 1000;

    private final Repository repository;
    private final ScheduledExecutorService renewer;
    private volatile BackupLease lease;

    private LeaseHolder(Repository repository, BackupLease lease, Duration renewEvery) {
        this.repository = repository;
        this.lease = lease;
        this.renewer = Executors.newSingleThreadScheduledExecutor(Workers.named("walkeeper-lease-" + lease.name()));
        long ms = Math.max(1, renewEvery.toMillis());
        renewer.scheduleWithFixedDelay(this::renew, ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Reserves a name: {@code baseName} if free, else the first free {@code baseName_N}. A name is
     * free when nothing is stored under it and this run created its lease; the lease is read back
     * (a store whose create-if-absent is not atomic could let two runs both "create" it) and the
     * name checked again (a run that held it may have completed just before).
     *
     * @param repository the repository
     * @param baseName the name the backup's start derives
     * @param template what the lease records (its name, run id and times are filled in here)
     * @param timeout how long the lease lives without renewal; it is renewed four times as often
     * @return the held lease
     * @throws ConflictException if no name is free
     */
    static LeaseHolder acquire(Repository repository, String baseName, BackupLease template, Duration timeout) {
        String runId = UUID.randomUUID().toString();
        String host = hostName();
        long pid = ProcessHandle.current().pid();
        for (int i = 1; i <= MAX_SUFFIX; i++) {
            String name = i == 1 ? baseName : baseName + "_" + i;
            if (repository.backupNameTaken(name) || repository.readLease(name).isPresent()) {
                continue;
            }
            Instant now = Instant.now();
            BackupLease lease = new BackupLease(name, runId, host, pid, template.startTime(), now.toString(),
                    template.timeline(), template.startLsn(), template.startWalSegment(), template.parent());
            try {
                repository.createLease(lease);
            } catch (AlreadyExistsException raced) {
                LOG.info("Backup name {} was just taken by another run; trying the next", name);
                continue;
            } catch (RuntimeException failed) {
                if (!landed(repository, name, runId, failed)) {
                    throw failed;
                }
                LOG.info("The lease of backup {} was stored although its write reported {}", name, failed.toString());
            }
            Optional<BackupLease> stored;
            boolean taken;
            try {
                stored = repository.readLease(name);
                taken = stored.isPresent() && runId.equals(stored.get().runId()) && repository.backupNameTaken(name);
            } catch (RuntimeException e) {
                deleteQuietly(repository, name, e);
                throw e;
            }
            if (stored.isEmpty() || !runId.equals(stored.get().runId())) {
                LOG.warn("The lease of backup name {} is held by another run although this one created it (the store's "
                        + "create-if-absent is not atomic?); trying the next name", name);
                continue;
            }
            if (taken) {
                repository.deleteLease(name);
                continue;
            }
            return new LeaseHolder(repository, lease, timeout.dividedBy(4));
        }
        throw new ConflictException("Cannot reserve a name for the backup: " + baseName + " and " + (MAX_SUFFIX - 1)
                + " suffixed names are taken in " + repository.store().location());
    }

    /** @return the reserved backup name */
    String name() {
        return lease.name();
    }

    /** @return the lease as last written */
    BackupLease lease() {
        return lease;
    }

    private void renew() {
        try {
            BackupLease renewed = lease.renewed(Instant.now());
            repository.renewLease(renewed);
            lease = renewed;
        } catch (RuntimeException e) {
            LOG.warn("Could not renew the lease of backup {}: {} (retention may take the backup for dead if this goes on)",
                    lease.name(), e.getMessage());
        }
    }

    /** Stops renewing and removes the lease; a failure is logged (the lease then expires by itself). */
    @Override
    public void close() {
        Workers.stopAndWait(renewer);
        try {
            repository.deleteLease(lease.name());
        } catch (RuntimeException e) {
            LOG.warn("Could not remove the lease of backup {}: {} (it expires by itself)", lease.name(), e.getMessage());
        }
    }

    /** After a failed create: whether this run's lease was stored all the same (only its response was lost). */
    private static boolean landed(Repository repository, String name, String runId, RuntimeException failure) {
        try {
            return repository.readLease(name).map(l -> runId.equals(l.runId())).orElse(false);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            return false;
        }
    }

    private static void deleteQuietly(Repository repository, String name, RuntimeException cause) {
        try {
            repository.deleteLease(name);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
