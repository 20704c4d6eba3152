package io.walkeeper.core.pg;

import io.walkeeper.api.Lsn;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relation blocks WAL touched between two LSNs, as PostgreSQL 17's WAL summaries
 * ({@code summarize_wal}) record them: per relation fork, the blocks modified and, if the fork
 * was created, dropped or truncated meanwhile, its <em>limit block</em> (every block at or past
 * it counts as changed). A database created or dropped meanwhile (relfilenode 0 of its
 * tablespace and database) makes every relation file in it count as changed.
 *
 * <p>A delta backup whose parent started at {@link #from()} and which starts at {@link #to()}
 * reads only these blocks of a relation file the parent holds: a block WAL did not touch since
 * the parent's start checkpoint is on disk as the parent read it. This is the argument
 * PostgreSQL's own incremental backup rests on.
 *
 * <p>Immutable once built; thread-safe.
 */
public final class ChangedBlocks {
    /** {@code global} and the default tablespace, as PostgreSQL numbers them. */
    private static final long GLOBAL_TABLESPACE = 1664;
    private static final long DEFAULT_TABLESPACE = 1663;
    private static final Pattern RELATION_PATH = Pattern.compile(
            "(?:global|base/(\\d+)|pg_tblspc/(\\d+)/PG_[^/]+/(\\d+))/(\\d+)(?:_(fsm|vm|init))?(?:\\.(\\d+))?");
    private static final long NO_LIMIT = Long.MAX_VALUE;

    private final Lsn from;
    private final Lsn to;
    private final Map<Fork, Changes> forks;
    private final Set<Fork> recreatedDatabases;
    private final long blockCount;

    private ChangedBlocks(Lsn from, Lsn to, Map<Fork, Changes> forks, Set<Fork> recreatedDatabases, long blockCount) {
        this.from = from;
        this.to = to;
        this.forks = forks;
        this.recreatedDatabases = recreatedDatabases;
        this.blockCount = blockCount;
    }

    /** @return the LSN the summaries start at or before */
    public Lsn from() {
        return from;
    }

    /** @return the LSN the summaries reach at least */
    public Lsn to() {
        return to;
    }

    /** @return how many modified blocks the summaries name, over all forks */
    public long blockCount() {
        return blockCount;
    }

    /** @return how many relation forks the summaries name */
    public int forkCount() {
        return forks.size();
    }

    /**
     * The changed blocks of one relation segment file.
     *
     * @param archivePath the file's path in the data directory, {@code /}-separated
     * @param blocksPerSegment blocks per segment file ({@code RELSEG_SIZE})
     * @return the blocks of that file, numbered from the start of the file;
     *     {@link FileBlocks#ALL} for a path that is not a relation file or whose database was
     *     created or dropped meanwhile
     */
    public FileBlocks forFile(String archivePath, long blocksPerSegment) {
        Matcher m = RELATION_PATH.matcher(archivePath);
        if (!m.matches()) {
            return FileBlocks.ALL;
        }
        long tablespace;
        long database;
        if (m.group(1) != null) {
            tablespace = DEFAULT_TABLESPACE;
            database = Long.parseLong(m.group(1));
        } else if (m.group(2) != null) {
            tablespace = Long.parseLong(m.group(2));
            database = Long.parseLong(m.group(3));
        } else {
            tablespace = GLOBAL_TABLESPACE;
            database = 0;
        }
        if (recreatedDatabases.contains(new Fork(tablespace, database, 0, 0))) {
            return FileBlocks.ALL;
        }
        int fork = switch (m.group(5) == null ? "" : m.group(5)) {
            case "fsm" -> 1;
            case "vm" -> 2;
            case "init" -> 3;
            default -> 0;
        };
        long segment = m.group(6) == null ? 0 : Long.parseLong(m.group(6));
        Changes changes = forks.get(new Fork(tablespace, database, Long.parseLong(m.group(4)), fork));
        if (changes == null) {
            return FileBlocks.NONE;
        }
        long first = segment * blocksPerSegment;
        long end = first + blocksPerSegment;
        long limit = changes.limit == NO_LIMIT ? NO_LIMIT : Math.max(0, changes.limit - first);
        int lo = lowerBound(changes.blocks, first);
        int hi = lowerBound(changes.blocks, end);
        int[] blocks = new int[hi - lo];
        for (int i = lo; i < hi; i++) {
            blocks[i - lo] = (int) (changes.blocks[i] - first);
        }
        return new FileBlocks(limit, blocks);
    }

    private static int lowerBound(long[] sorted, long key) {
        int i = Arrays.binarySearch(sorted, key);
        return i >= 0 ? i : -i - 1;
    }

    /**
     * The changed blocks of one segment file.
     *
     * @param limit the first block from which every block counts as changed ({@link Long#MAX_VALUE}: none)
     * @param blocks the blocks before it WAL modified, ascending (may include blocks past the limit or the end of the file)
     */
    public record FileBlocks(long limit, int[] blocks) {
        /** Every block counts as changed. */
        public static final FileBlocks ALL = new FileBlocks(0, new int[0]);
        /** No block changed. */
        public static final FileBlocks NONE = new FileBlocks(NO_LIMIT, new int[0]);

        /** @return whether every block counts as changed */
        public boolean all() {
            return limit == 0;
        }
    }

    /**
     * Starts collecting the rows of {@code pg_wal_summary_contents}.
     *
     * @param from the LSN the summaries start at or before
     * @param to the LSN they reach at least
     * @param maxBlocks how many modified blocks to hold at most
     * @return a builder
     */
    public static Builder builder(Lsn from, Lsn to, long maxBlocks) {
        return new Builder(from, to, maxBlocks);
    }

    /** Collects summary rows; not thread-safe. */
    public static final class Builder {
        private final Lsn from;
        private final Lsn to;
        private final long maxBlocks;
        private final Map<Fork, Growing> forks = new HashMap<>();
        private final Set<Fork> recreated = new HashSet<>();
        private long blocks;

        private Builder(Lsn from, Lsn to, long maxBlocks) {
            this.from = from;
            this.to = to;
            this.maxBlocks = maxBlocks;
        }

        /**
         * Adds one row of {@code pg_wal_summary_contents}.
         *
         * @return {@code false} once more than the builder's maximum of blocks were added
         */
        public boolean add(long relfilenode, long tablespace, long database, int fork, long block, boolean limitBlock) {
            if (relfilenode == 0) {
                recreated.add(new Fork(tablespace, database, 0, 0));
                return true;
            }
            Growing g = forks.computeIfAbsent(new Fork(tablespace, database, relfilenode, fork), k -> new Growing());
            if (limitBlock) {
                g.limit = Math.min(g.limit, block);
                return true;
            }
            g.add(block);
            return ++blocks <= maxBlocks;
        }

        /** @return the collected blocks, each fork's sorted without repeats */
        public ChangedBlocks build() {
            Map<Fork, Changes> done = new HashMap<>();
            long count = 0;
            for (Map.Entry<Fork, Growing> e : forks.entrySet()) {
                long[] sorted = Arrays.copyOf(e.getValue().blocks, e.getValue().size);
                Arrays.sort(sorted);
                int n = 0;
                for (int i = 0; i < sorted.length; i++) {
                    if (n == 0 || sorted[i] != sorted[n - 1]) {
                        sorted[n++] = sorted[i];
                    }
                }
                done.put(e.getKey(), new Changes(e.getValue().limit, Arrays.copyOf(sorted, n)));
                count += n;
            }
            return new ChangedBlocks(from, to, Map.copyOf(done), Set.copyOf(recreated), count);
        }
    }

    private record Fork(long tablespace, long database, long relfilenode, int fork) {
    }

    private record Changes(long limit, long[] blocks) {
    }

    private static final class Growing {
        long limit = NO_LIMIT;
        long[] blocks = new long[8];
        int size;

        void add(long block) {
            if (size == blocks.length) {
                blocks = Arrays.copyOf(blocks, size * 2);
            }
            blocks[size++] = block;
        }
    }
}
