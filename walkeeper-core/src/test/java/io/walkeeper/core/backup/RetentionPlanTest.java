package io.walkeeper.core.backup;

import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.RetentionPolicy;
import io.walkeeper.api.TimelineId;
import io.walkeeper.core.repo.BackupLease;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * Retention never deletes what a kept backup needs: over random histories of full backups and
 * deltas (on the latest backup or the latest full one), permanent marks, point-in-time restores
 * that rewind the WAL position onto a new timeline, running backups with their leases, policies
 * and archived WAL, every kept backup's chain is kept, "newest" means finished last (never highest
 * LSN), the newest and the permanent backups are kept, deltas are deleted before their parents,
 * the parent of a running delta is kept, and no WAL at or after the oldest kept or running start
 * is deleted, on any timeline.
 */
class RetentionPlanTest {

    @Test
    void neverDeletesWhatAKeptBackupNeeds() {
        qt().withExamples(400)
                .forAll(integers().between(1, 12), integers().between(1, 4), integers().between(0, 6), integers().all())
                .checkAssert(this::check);
    }

    private void check(int count, int keep, int policyKind, int seed) {
        Random random = new Random(seed);
        List<BackupInfo> backups = history(count, random);
        List<BackupLease> running = running(backups, random);
        List<String> wal = wal(backups, random);
        BackupInfo from = backups.get(random.nextInt(backups.size()));
        Instant now = backups.get(backups.size() - 1).finishTime().plusSeconds(random.nextInt(600));
        java.time.Duration age = java.time.Duration.ofSeconds(1 + random.nextInt(800));
        RetentionPolicy policy = switch (policyKind) {
            case 0 -> RetentionPolicy.keepFullBackups(keep);
            case 1 -> RetentionPolicy.keepBackups(keep);
            case 2 -> RetentionPolicy.keepFrom(from.name()); // delete before NAME
            case 3 -> RetentionPolicy.keepNewerThan(age, java.time.Clock.fixed(now, java.time.ZoneOffset.UTC));
            case 4 -> RetentionPolicy.keepFullBackups(keep).or(RetentionPolicy.keepFinishedAfter(now.minus(age)));
            case 5 -> RetentionPolicy.keepBackups(keep).and(RetentionPolicy.keepFinishedAfter(now.minus(age)));
            default -> all -> Set.of(); // a policy that keeps nothing: the engine still keeps the newest
        };
        List<BackupInfo> shuffled = new ArrayList<>(backups);
        Collections.shuffle(shuffled, random);
        RetentionPlan plan = RetentionPlan.of(shuffled, policy, wal, running);

        Map<String, BackupInfo> byName = new HashMap<>();
        backups.forEach(b -> byName.put(b.name(), b));
        Set<String> kept = names(plan.kept());
        Set<String> deleted = names(plan.deleted());
        assertEquals(backups.size(), kept.size() + deleted.size());
        assertTrue(kept.stream().noneMatch(deleted::contains));
        assertTrue(kept.containsAll(policy.choose(backups)), "what the policy chose is kept");
        // the history is in the order backups finished: the last one is the newest, whatever its LSN
        BackupInfo newest = backups.get(backups.size() - 1);
        assertTrue(kept.contains(newest.name()), "the newest backup is kept");
        List<BackupInfo> byFinish = new ArrayList<>(backups);
        Collections.reverse(byFinish);
        if (policyKind == 0) {
            byFinish.stream().filter(b -> b.kind() == BackupKind.FULL).limit(keep)
                    .forEach(b -> assertTrue(kept.contains(b.name()), "one of the " + keep + " full backups that finished last: " + b.name()));
        } else if (policyKind == 1) {
            byFinish.stream().limit(keep)
                    .forEach(b -> assertTrue(kept.contains(b.name()), "one of the " + keep + " backups that finished last: " + b.name()));
        } else if (policyKind == 2) {
            backups.stream().skip(backups.indexOf(from))
                    .forEach(b -> assertTrue(kept.contains(b.name()), b.name() + " finished after " + from.name()));
            backups.stream().limit(backups.indexOf(from)).filter(b -> !b.permanent())
                    .filter(b -> kept.stream().noneMatch(k -> chainOf(byName, k).contains(b.name())))
                    .filter(b -> running.stream().noneMatch(l -> chainOf(byName, l.parent()).contains(b.name())))
                    .forEach(b -> assertTrue(deleted.contains(b.name()), b.name() + " is older than " + from.name()
                            + " and nothing kept needs it"));
        } else if (policyKind == 3 || policyKind == 4) {
            backups.stream().filter(b -> !b.finishTime().isBefore(now.minus(age)))
                    .forEach(b -> assertTrue(kept.contains(b.name()), b.name() + " is younger than " + age));
        }
        backups.stream().filter(BackupInfo::permanent).forEach(b -> assertTrue(kept.contains(b.name()), "permanent " + b.name()));
        running.stream().filter(l -> l.parent() != null)
                .forEach(l -> assertTrue(kept.contains(l.parent()), "the parent of the running " + l.name()));
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
        String oldestKept = Stream.concat(plan.kept().stream().map(BackupInfo::startWalSegment),
                running.stream().map(BackupLease::startWalSegment)).map(seg -> seg.substring(8)).min(String::compareTo).orElseThrow();
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

    /** The backup and every backup it is built on. */
    private static Set<String> chainOf(Map<String, BackupInfo> byName, String name) {
        Set<String> out = new java.util.HashSet<>();
        for (BackupInfo b = name == null ? null : byName.get(name); b != null; b = b.parentName() == null ? null
                : byName.get(b.parentName())) {
            out.add(b.name());
        }
        return out;
    }

    @Test
    void anEmptyRepositoryDeletesNothing() {
        RetentionPlan plan = RetentionPlan.of(List.of(), RetentionPolicy.keepFullBackups(1),
                List.of("wal/000000010000000000000001.lz4"), List.of());
        assertEquals(List.of(), plan.walKeys());
        assertEquals(List.of(), plan.deleted());
    }

    /**
     * Backups in the order they finished, one WAL segment apart or more; deltas on the latest
     * backup or the latest full one. Now and then the cluster is restored to an earlier point and
     * promoted: the timeline goes up and the WAL position goes back (to after the first backup's
     * start), so later backups can have lower LSNs than earlier ones. A delta is never taken across
     * such a switch (the backup run refuses it).
     */
    private static List<BackupInfo> history(int count, Random random) {
        List<BackupInfo> out = new ArrayList<>();
        long segment = 2;
        int timeline = 1;
        BackupInfo latestFull = null;
        for (int i = 0; i < count; i++) {
            if (i > 0 && random.nextInt(4) == 0) {
                timeline++;
                long first = position(out.get(0).startWalSegment());
                segment = first + random.nextInt((int) (segment - first) + 1);
                latestFull = null;
            }
            segment += 1 + random.nextInt(3);
            BackupInfo parent = null;
            if (latestFull != null && random.nextInt(3) > 0) {
                BackupInfo last = out.get(out.size() - 1);
                parent = random.nextBoolean() && last.timeline().asLong() == timeline ? last : latestFull;
            }
            String seg = String.format("%08X%08X%08X", timeline, segment >>> 8, segment & 0xFF);
            String name = "base_" + seg + (parent == null ? "" : "_D_" + parent.startWalSegment());
            BackupInfo b = new BackupInfo(name, parent == null ? BackupKind.FULL : BackupKind.DELTA,
                    parent == null ? null : parent.name(), TimelineId.of(timeline), Lsn.parse(String.format("%X/%X", segment >>> 8,
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

    /** Up to two backups running now, started after the newest completed one, some of them deltas. */
    private static List<BackupLease> running(List<BackupInfo> backups, Random random) {
        List<BackupLease> out = new ArrayList<>();
        BackupInfo newest = backups.get(backups.size() - 1);
        for (int i = random.nextInt(3); i > 0; i--) {
            BackupInfo parent = random.nextBoolean() ? backups.get(random.nextInt(backups.size())) : null;
            long segment = position(newest.startWalSegment()) + random.nextInt(3);
            String seg = newest.startWalSegment().substring(0, 8) + String.format("%08X%08X", segment >>> 8, segment & 0xFF);
            out.add(new BackupLease("base_" + seg + "_" + (i + 1), "run" + i, "host", 1, "2026-01-01T00:00:00Z",
                    "2026-01-01T00:00:00Z", 1, "0/0", seg, parent == null ? null : parent.name()));
        }
        return out;
    }

    private static long position(String segment) {
        return Long.parseLong(segment.substring(8), 16);
    }

    /**
     * Every segment from 1 to past the newest position, on every timeline of the history, with some
     * partial, backup-history, timeline-history and foreign objects.
     */
    private static List<String> wal(List<BackupInfo> backups, Random random) {
        long last = backups.stream().mapToLong(b -> position(b.startWalSegment())).max().orElseThrow() + 3;
        long timelines = backups.stream().mapToLong(b -> b.timeline().asLong()).max().orElseThrow();
        List<String> keys = new ArrayList<>();
        for (long tli = 1; tli <= timelines; tli++) {
            for (long s = 1; s <= last; s++) {
                String seg = String.format("%08X%08X%08X", tli, s >>> 8, s & 0xFF);
                keys.add("wal/" + seg + (random.nextBoolean() ? ".lz4" : ".zst"));
                if (random.nextInt(5) == 0) {
                    keys.add("wal/" + seg + ".00000028.backup.lz4");
                }
                if (random.nextInt(7) == 0) {
                    keys.add("wal/" + seg + ".partial.br");
                }
            }
            if (tli > 1) {
                keys.add(String.format("wal/%08X.history.lz4", tli));
            }
        }
        keys.add("wal/README");
        return keys;
    }

    private static Set<String> names(List<BackupInfo> backups) {
        Set<String> out = new HashSet<>();
        backups.forEach(b -> out.add(b.name()));
        return out;
    }
}
