package io.walkeeper.core.backup;

import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.spi.BlobInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A timeline history file ({@code 00000002.history}): for every ancestor timeline, the LSN at
 * which the history switched away from it. Lines are {@code <parent tli>\t<switch LSN>\t<reason>};
 * comments start with {@code #}.
 *
 * @param switchPoints ancestor timeline to the LSN where it ended
 */
record TimelineHistory(Map<Long, Lsn> switchPoints) {

    static TimelineHistory parse(String text) {
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

    /** Reads the history of a timeline from the archive; timeline 1 has none. */
    static Optional<TimelineHistory> read(Repository repository, TimelineId timeline) {
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

    /** The LSN at which this history left {@code ancestor}, if it is an ancestor. */
    Optional<Lsn> switchPoint(long ancestor) {
        return Optional.ofNullable(switchPoints.get(ancestor));
    }
}
