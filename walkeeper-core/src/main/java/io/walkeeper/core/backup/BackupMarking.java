package io.walkeeper.core.backup;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.ConflictException;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.core.repo.PermanenceMarks;
import io.walkeeper.core.repo.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Marks backups permanent or ordinary. A permanent delta is worthless without the backups it is
 * built on, so marking one marks its whole chain, ancestors first; un-marking is refused while
 * a permanent backup is built on the one named.
 */
final class BackupMarking {
    private static final Logger LOG = LoggerFactory.getLogger(BackupMarking.class);

    private final Repository repository;
    private final BackupCatalogue catalogue;

    BackupMarking(Repository repository, BackupCatalogue catalogue) {
        this.repository = repository;
        this.catalogue = catalogue;
    }

    List<BackupInfo> mark(String name, boolean permanent) {
        Map<String, BackupInfo> byName = new LinkedHashMap<>();
        catalogue.list().forEach(b -> byName.put(b.name(), b));
        BackupInfo target = byName.get(name);
        if (target == null) {
            throw new NotFoundException("No completed backup named '" + name + "' in " + repository.store().location()
                    + " (HINT: list the backups to see their names)");
        }
        PermanenceMarks marks = new PermanenceMarks(repository);
        List<BackupInfo> changed = new ArrayList<>();
        if (permanent) {
            List<BackupInfo> chain = chain(target, byName);
            for (int i = chain.size() - 1; i >= 0; i--) {
                BackupInfo b = chain.get(i);
                if (!b.permanent()) {
                    marks.write(b.name(), true);
                    changed.add(b.withPermanent(true));
                }
            }
        } else {
            List<String> needing = new ArrayList<>();
            for (BackupInfo b : byName.values()) {
                if (b.permanent() && !b.name().equals(name)
                        && chain(b, byName).stream().anyMatch(a -> a.name().equals(name))) {
                    needing.add(b.name());
                }
            }
            if (!needing.isEmpty()) {
                throw new ConflictException("Cannot make backup " + name + " ordinary: the permanent backup(s) " + needing
                        + " are built on it and would not restore without it (HINT: make those ordinary first)");
            }
            if (target.permanent()) {
                marks.write(name, false);
                changed.add(target.withPermanent(false));
            }
        }
        LOG.info("Backup {} is {}; changed: {}", name, permanent ? "permanent" : "ordinary",
                changed.stream().map(BackupInfo::name).toList());
        return changed;
    }

    /** The backup and every backup it is built on, newest first, as far as they are listed. */
    private static List<BackupInfo> chain(BackupInfo backup, Map<String, BackupInfo> byName) {
        List<BackupInfo> chain = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (BackupInfo b = backup; b != null && seen.add(b.name()); b = b.parent().map(byName::get).orElse(null)) {
            chain.add(b);
        }
        return chain;
    }
}
