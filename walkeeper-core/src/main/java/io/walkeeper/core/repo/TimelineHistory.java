package io.walkeeper.core.repo;

import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import io.walkeeper.spi.BlobInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A timeline's {@code .history} file: for each ancestor timeline, oldest first, the LSN at which
 * the next timeline branched from it. The last line names the direct parent.
 *
 * @param switchPoints ancestor timeline to the LSN where its child began, in file order
 */
public record TimelineHistory(Map<Long, Lsn> switchPoints) {

    /** Keeps the ancestors in file order. */
    public TimelineHistory {
        switchPoints = Collections.unmodifiableMap(new LinkedHashMap<>(switchPoints));
    }

    /**
     * Parses the text PostgreSQL writes: {@code <parent tli> <switch LSN> <reason>} per line,
     * comments and blank lines ignored.
     *
     * @param text the file's content
     * @return the history
     * @throws IllegalArgumentException if a line does not start with a timeline and an LSN
     */
    public static TimelineHistory parse(String text) {
        Map<Long, Lsn> points = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+");
            if (f.length >= 2) {
                points.put(Long.parseLong(f[0]), Lsn.parse(f[1]));
            }
        }
        return new TimelineHistory(points);
    }

    /**
     * Reads {@code TTTTTTTT.history} of a timeline from the archive.
     *
     * @param repository the repository
     * @param timeline the timeline
     * @return the history, empty when it is not archived or cannot be parsed
     */
    public static Optional<TimelineHistory> read(Repository repository, TimelineId timeline) {
        String name = String.format("%08X.history", timeline.asLong());
        Optional<BlobInfo> blob = repository.findWal(name);
        if (blob.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = repository.openDecoded(blob.get().key())) {
            return Optional.of(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + name + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Returns where the next timeline branched from an ancestor.
     *
     * @param ancestor the ancestor timeline
     * @return the switch LSN, empty when the ancestor is not in this history
     */
    public Optional<Lsn> switchPoint(long ancestor) {
        return Optional.ofNullable(switchPoints.get(ancestor));
    }

    /**
     * Returns the direct parent: the last line of the file.
     *
     * @return the parent timeline and the LSN where this timeline began, empty for an empty file
     */
    public Optional<Map.Entry<Long, Lsn>> parent() {
        Map.Entry<Long, Lsn> last = null;
        for (Map.Entry<Long, Lsn> e : switchPoints.entrySet()) {
            last = e;
        }
        return Optional.ofNullable(last);
    }
}
