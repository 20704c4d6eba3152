package io.walkeeper.core.backup;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.RecoveryTarget;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.ManifestSummary;
import io.walkeeper.core.repo.PermanenceMarks;
import io.walkeeper.core.repo.Repository;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The completed backups of a repository: listing, finding by name and choosing one for a
 * selector. A backup is here once its manifest is stored, and not before.
 */
public final class BackupCatalogue {
    private final Repository repository;

    /**
     * Creates the catalogue.
     *
     * @param repository the repository
     */
    public BackupCatalogue(Repository repository) {
        this.repository = repository;
    }

    /** @return every completed backup, oldest first, with the permanence its mark sets */
    public List<BackupInfo> list() {
        Map<String, Boolean> marks = new PermanenceMarks(repository).all();
        return repository.manifestSummaries().stream()
                .map(m -> m.toInfo().withPermanent(marks.getOrDefault(m.name(), m.header().permanent()))).toList();
    }

    /**
     * Describes one backup as the catalogue lists it: with the permanence its mark sets.
     *
     * @param manifest the backup's manifest
     * @return its description
     */
    public BackupInfo info(BackupManifest manifest) {
        return manifest.toInfo().withPermanent(new PermanenceMarks(repository).read(manifest.name()).orElse(manifest.permanent()));
    }

    /**
     * Finds a backup by name.
     *
     * @param name the backup's name
     * @return the backup, or empty if no completed backup has that name
     */
    public Optional<BackupInfo> find(String name) {
        return repository.readManifest(name).map(this::info);
    }

    /**
     * Chooses a backup's manifest: the named one; else the newest that finished before the
     * selector's time or LSN target, if it has one; else the newest.
     *
     * @param selector what to choose
     * @return the manifest
     * @throws NotFoundException if nothing matches
     */
    public BackupManifest select(BackupSelector selector) {
        BackupManifest chosen = selectHeader(selector);
        // chosen from summaries; the whole manifest, file list and all, is read for the one chosen
        return repository.readManifest(chosen.name()).orElseThrow(() -> new NotFoundException("Backup " + chosen.name()
                + " in " + repository.store().location() + " was deleted while it was being chosen (HINT: run again)"));
    }

    /**
     * Chooses a backup as {@link #select} does, reading no file list: for a caller that then
     * reads the chosen manifest its own way (a restore reads it trusted, checking its signature),
     * so that a manifest of a million files is not held twice.
     *
     * @param selector what to choose
     * @return the chosen backup's manifest with an empty file list; never restore from it
     * @throws NotFoundException if nothing matches
     */
    public BackupManifest selectHeader(BackupSelector selector) {
        if (selector.name() != null) {
            BackupManifest named = repository.readManifestSummary(selector.name()).map(ManifestSummary::header)
                    .orElseThrow(() -> new NotFoundException(
                    "No completed backup named '" + selector.name() + "' in " + repository.store().location()
                    + " (HINT: list the backups to see their names)"));
            if (!selector.labels().isEmpty() && !named.labels().entrySet().containsAll(selector.labels().entrySet())) {
                throw new NotFoundException("Backup " + selector.name() + " in " + repository.store().location()
                        + " does not carry the labels " + selector.labels() + " (it has " + named.labels() + ")");
            }
            return named;
        }
        List<BackupManifest> all = new ArrayList<>();
        repository.manifestSummaries().forEach(summary -> all.add(summary.header()));
        all.removeIf(m -> !(m.labels() == null ? java.util.Map.<String, String>of() : m.labels()).entrySet()
                .containsAll(selector.labels().entrySet()));
        if (selector.target() != null) {
            var t = selector.target();
            if (t.time() != null) {
                all.removeIf(m -> !m.finishTime().isBefore(t.time()));
            } else if (t.lsn() != null) {
                all.removeIf(m -> m.stopLsn().compareTo(t.lsn()) > 0);
            }
        }
        return all.stream().max(Comparator.comparing(BackupManifest::finishTime))
                .orElseThrow(() -> new NotFoundException("No completed backup " + (selector.labels().isEmpty() ? ""
                        : "with the labels " + selector.labels() + " ") + (selector.target() != null
                        ? "that finished before " + selector.target() + " " : "") + "in " + repository.store().location()
                        + " (HINT: take a backup first)"));
    }

    /**
     * The recovery target is given once: {@link BackupSelector#latest()} with a time or LSN
     * target means the newest backup that finished before it (a backup that ends after the target
     * cannot reach it; PostgreSQL would refuse to start).
     *
     * @param selector the backup asked for
     * @param target the recovery target
     * @return the selector that chooses the backup to restore
     */
    public static BackupSelector selectorFor(BackupSelector selector, RecoveryTarget target) {
        if (selector.name() == null && selector.target() == null && (target.time() != null || target.lsn() != null)) {
            BackupSelector before = BackupSelector.before(target);
            return selector.labels().isEmpty() ? before : before.withLabels(selector.labels());
        }
        return selector;
    }
}
