package io.walkeeper.core.page;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A relation data file recognised by its path inside the data directory: {@code global/},
 * {@code base/<db>/} or {@code pg_tblspc/<oid>/PG_<version>/<db>/}, named
 * {@code <relfilenode>[_fsm|_vm|_init][.<segment>]}. Such files are made of pages.
 *
 * @param fork {@code null} for the main fork, else {@code fsm}, {@code vm} or {@code init}
 * @param segment the segment number ({@code .N} suffix, 0 without one)
 */
public record RelationFile(String fork, int segment) {
    private static final Pattern PATH = Pattern.compile(
            "(?:global|base/\\d+|pg_tblspc/\\d+/PG_[^/]+/\\d+)/\\d+(?:_(fsm|vm|init))?(?:\\.(\\d+))?");

    /**
     * Recognises a relation file.
     *
     * @param archivePath the path relative to the data directory, {@code /}-separated
     * @return the relation file, empty for any other file
     */
    public static Optional<RelationFile> parse(String archivePath) {
        Matcher m = PATH.matcher(archivePath);
        if (!m.matches()) {
            return Optional.empty();
        }
        String seg = m.group(2);
        if (seg != null && (seg.length() > 9 || (seg.length() > 1 && seg.startsWith("0")))) {
            return Optional.empty();
        }
        return Optional.of(new RelationFile(m.group(1), seg == null ? 0 : Integer.parseInt(seg)));
    }

    /**
     * Whether a delta backup stores this file page by page. Only the main fork and the init fork
     * are: visibility-map bits are cleared without moving the page LSN and the free-space map is
     * not WAL-logged, so those forks are stored whole when they change.
     *
     * @return {@code true} for the main and init forks
     */
    public boolean pageIncremental() {
        return fork == null || "init".equals(fork);
    }

    /**
     * Returns the absolute block number of a block of this segment.
     *
     * @param block the block inside this file
     * @param blocksPerSegment blocks per segment file (131072 for 1 GiB segments of 8 KiB pages)
     * @return {@code segment * blocksPerSegment + block}
     */
    public long absoluteBlock(long block, long blocksPerSegment) {
        return segment * blocksPerSegment + block;
    }
}
