package io.walkeeper.core.backup;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.RetentionPolicy;
import io.walkeeper.api.TimelineId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * Retention never deletes what a kept backup needs: over random histories of full backups and
 * deltas (on the latest backup or the latest full one), permanent marks, policies and archived
 * WAL, every kept backup's chain is kept, the newest and the permanent backups are kept, deltas are
 * deleted before their parents, and no WAL at or after the oldest kept start is deleted.
 */
class RetentionPlanTest {

    @Test
    void neverDeletesWhatAKeptBackupNeeds() {
        qt().withExamples(400)
                .forAll(integers().between(1, 12), integers().between(1, 4), integers().between(0, 2), integers().all())
                .checkAssert(this::check);
    }

    private void check(int count, int keep, int policyKind, int seed) {
        Random random = new Random(seed);
        List<BackupInfo> backups = history(count, random);
        List<String> wal = wal(backups, random);
        RetentionPolicy policy = switch (policyKind) {
            case 0 -> RetentionPolicy.keepFullBackups(keep);
            case 1 -> RetentionPolicy.keepBackups(keep);
            default -> all -> Set.of(); // a policy that keeps nothing: the engine still keeps the newest
        };
        RetentionPlan plan = RetentionPlan.of(backups, policy, wal);

        Map<String, BackupInfo> byName = new HashMap<>();
        backups.forEach(b -> byName.put(b.name(), b));
        Set<String> kept = names(plan.kept());
        Set<String> deleted = names(plan.deleted());
        assertEquals(backups.size(), kept.size() + deleted.size());
        assertTrue(kept.stream().noneMatch(deleted::contains));
        assertTrue(kept.containsAll(policy.choose(backups)), "what the policy chose is kept");
        BackupInfo newest = backups.get(backups.size() - 1);
        assertTrue(kept.contains(newest.name()), "the newest backup is kept");
        backups.stream().filter(BackupInfo::permanent).forEach(b -> assertTrue(kept.contains(b.name()), "permanent " + b.name()));
        for (String name : kept) {
            for (BackupInfo b = byName.get(name); b.parentName() != null; b = byName.get(b.parentName())) {
                assertTrue(kept.contains(b.parentName()), "the parent " + b.parentName() + " of kept " + b.name());
            }
        }
        List<String> order = plan.deleted().stream().map(BackupInfo::name).toList();
        for (BackupInfo d : plan.deleted()) {
            if (d.parentName() != null && deleted.contains(d.parentName())) {
                assertTrue(order.indexOf(d.name()) < order.indexOf(d.parentName()), "delta " + d.name() + " before its parent");
            }
        }
        String oldestKept = plan.kept().stream().map(b -> b.startWalSegment().substring(8)).min(String::compareTo).orElseThrow();
        assertEquals(oldestKept, plan.oldestKeptSegment().substring(8));
        for (String key : plan.walKeys()) {
            assertTrue(key.substring(4 + 8, 4 + 24).compareTo(oldestKept) < 0, key + " is needed from " + oldestKept);
        }
        for (String key : wal) {
            String name = key.substring(4);
            boolean segmentLike = name.length() >= 24 && name.substring(0, 24).matches("[0-9A-F]{24}");
            if (segmentLike && name.substring(8, 24).compareTo(oldestKept) < 0) {
                assertTrue(plan.walKeys().contains(key), key + " is before every kept backup and should go");
            } else {
                assertFalse(plan.walKeys().contains(key), key + " must stay");
            }
        }
    }

    @Test
    void anEmptyRepositoryDeletesNothing() {
        RetentionPlan plan = RetentionPlan.of(List.of(), RetentionPolicy.keepFullBackups(1),
                List.of("wal/000000010000000000000001.lz4"));
        assertEquals(List.of(), plan.walKeys());
        assertEquals(List.of(), plan.deleted());
    }

    /** Backups one WAL segment apart or more; deltas on the latest backup or the latest full one. */
    private static List<BackupInfo> history(int count, Random random) {
        List<BackupInfo> out = new ArrayList<>();
        long segment = 2;
        BackupInfo latestFull = null;
        for (int i = 0; i < count; i++) {
            segment += 1 + random.nextInt(3);
            BackupInfo parent = null;
            if (latestFull != null && random.nextInt(3) > 0) {
                parent = random.nextBoolean() ? out.get(out.size() - 1) : latestFull;
            }
            String seg = String.format("00000001%08X%08X", segment >>> 8, segment & 0xFF);
            String name = "base_" + seg + (parent == null ? "" : "_D_" + parent.startWalSegment());
            BackupInfo b = new BackupInfo(name, parent == null ? BackupKind.FULL : BackupKind.DELTA,
                    parent == null ? null : parent.name(), TimelineId.FIRST, Lsn.parse(String.format("%X/%X", segment >>> 8,
                    (segment & 0xFF) << 24 | 0x28)), Lsn.parse(String.format("%X/%X", segment >>> 8, (segment & 0xFF) << 24 | 0x100)),
                    seg, seg, Instant.ofEpochSecond(1_000_000 + i * 100L), Instant.ofEpochSecond(1_000_050 + i * 100L),
                    150000, 1L, true, 16L << 20, random.nextInt(8) == 0, Map.of(), 1, 1, 1, 1, null, List.of());
            out.add(b);
            if (parent == null) {
                latestFull = b;
            }
        }
        return out;
    }

    /** Every segment from 1 to past the newest backup, with some partial, backup-history, timeline-history and foreign objects. */
    private static List<String> wal(List<BackupInfo> backups, Random random) {
        long last = Long.parseLong(backups.get(backups.size() - 1).startWalSegment().substring(16), 16) + 3;
        List<String> keys = new ArrayList<>();
        for (long s = 1; s <= last; s++) {
            String seg = String.format("00000001%08X%08X", s >>> 8, s & 0xFF);
            keys.add("wal/" + seg + (random.nextBoolean() ? ".lz4" : ".zst"));
            if (random.nextInt(5) == 0) {
                keys.add("wal/" + seg + ".00000028.backup.lz4");
            }
            if (random.nextInt(7) == 0) {
                keys.add("wal/" + seg + ".partial.br");
            }
        }
        keys.add("wal/00000002.history.lz4");
        keys.add("wal/README");
        return keys;
    }

    private static Set<String> names(List<BackupInfo> backups) {
        Set<String> out = new HashSet<>();
        backups.forEach(b -> out.add(b.name()));
        return out;
    }
}
