package io.walkeeper.core.pg;

import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the changed blocks of an LSN range from PostgreSQL 17's WAL summaries on a backup's
 * session: waits for the summarizer to reach the end of the range, checks that the summary
 * files on record cover the range without a gap, and reads each of those files by its exact
 * range (a file removed meanwhile fails the read instead of going missing). Any shortfall is
 * logged with its reason and answered with empty, so that the backup reads every block.
 */
final class WalSummaries {
    private static final Logger LOG = LoggerFactory.getLogger(WalSummaries.class);
    /** How long to wait for the summarizer to reach the backup's start. */
    static final Duration WAIT = Duration.ofSeconds(10);
    /** Modified blocks held at most (8 bytes each); a delta touching more is read in full. */
    static final long MAX_BLOCKS = 1_000_000;
    private static final int FETCH_SIZE = 10_000;

    private final Connection connection;

    WalSummaries(Connection connection) {
        this.connection = connection;
    }

    Optional<ChangedBlocks> read(TimelineId timeline, Lsn from, Lsn to) throws SQLException {
        if (from.compareTo(to) >= 0) {
            return Optional.empty();
        }
        if (!"on".equals(string("SELECT current_setting('summarize_wal')"))) {
            LOG.info("Reading every block of the delta: summarize_wal is off on the server (with it on, PostgreSQL 17 "
                    + "names the blocks that changed and a delta reads only those)");
            return Optional.empty();
        }
        if (!awaitSummarized(timeline, to)) {
            return Optional.empty();
        }
        List<Lsn[]> ranges = coveringSummaries(timeline, from, to);
        if (ranges.isEmpty()) {
            return Optional.empty();
        }
        ChangedBlocks.Builder builder = ChangedBlocks.builder(from, to, MAX_BLOCKS);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement ps = connection.prepareStatement("SELECT relfilenode::int8, reltablespace::int8, "
                + "reldatabase::int8, relforknumber, relblocknumber, is_limit_block "
                + "FROM pg_wal_summary_contents(?, ?::pg_lsn, ?::pg_lsn)")) {
            ps.setFetchSize(FETCH_SIZE);
            for (Lsn[] range : ranges) {
                ps.setLong(1, timeline.asLong());
                ps.setString(2, range[0].toString());
                ps.setString(3, range[1].toString());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (!builder.add(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getLong(5),
                                rs.getBoolean(6))) {
                            LOG.info("Reading every block of the delta: WAL from {} to {} modified more than {} blocks",
                                    from, to, MAX_BLOCKS);
                            return Optional.empty();
                        }
                    }
                }
            }
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
        ChangedBlocks blocks = builder.build();
        LOG.info("WAL summaries from {} to {} name {} modified block(s) in {} relation fork(s); the delta reads only those",
                from, to, blocks.blockCount(), blocks.forkCount());
        return Optional.of(blocks);
    }

    /** Waits until the summarizer has summarized WAL up to {@code to} on the timeline. */
    private boolean awaitSummarized(TimelineId timeline, Lsn to) throws SQLException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT summarized_tli, summarized_lsn::text FROM pg_get_wal_summarizer_state()");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                long tli = rs.getLong(1);
                Lsn lsn = Lsn.parse(rs.getString(2));
                if (tli > timeline.asLong() || (tli == timeline.asLong() && lsn.compareTo(to) >= 0)) {
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    LOG.info("Reading every block of the delta: the WAL summarizer has reached {} on timeline {} after {} s, "
                            + "not yet this backup's start {}", lsn, tli, WAIT.toSeconds(), to);
                    return false;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** The summaries of the timeline that cover {@code [from, to)} without a gap, oldest first; empty if they do not. */
    private List<Lsn[]> coveringSummaries(TimelineId timeline, Lsn from, Lsn to) throws SQLException {
        List<Lsn[]> ranges = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT start_lsn::text, end_lsn::text "
                + "FROM pg_available_wal_summaries() WHERE tli = ? AND end_lsn > ?::pg_lsn AND start_lsn < ?::pg_lsn "
                + "ORDER BY start_lsn, end_lsn")) {
            ps.setLong(1, timeline.asLong());
            ps.setString(2, from.toString());
            ps.setString(3, to.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ranges.add(new Lsn[] {Lsn.parse(rs.getString(1)), Lsn.parse(rs.getString(2))});
                }
            }
        }
        Lsn covered = coveredFrom(from, ranges);
        if (covered.compareTo(to) < 0) {
            LOG.info("Reading every block of the delta: the WAL summaries on timeline {} cover {} to {} only, not up to {} "
                    + "(removed after wal_summary_keep_time, or summarize_wal was off for a while)", timeline, from, covered,
                    to);
            return List.of();
        }
        return ranges;
    }

    /**
     * How far summaries cover the WAL from {@code from} without a gap.
     *
     * @param from the start of the range
     * @param ranges summary ranges {@code [start, end)}, sorted by start
     * @return the end of the stretch from {@code from} they cover; {@code from} itself if none starts at or before it
     */
    static Lsn coveredFrom(Lsn from, List<Lsn[]> ranges) {
        Lsn covered = from;
        for (Lsn[] range : ranges) {
            if (range[0].compareTo(covered) > 0) {
                break;
            }
            if (range[1].compareTo(covered) > 0) {
                covered = range[1];
            }
        }
        return covered;
    }

    private String string(String sql) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
