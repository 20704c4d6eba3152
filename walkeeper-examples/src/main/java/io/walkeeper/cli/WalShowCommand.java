package io.walkeeper.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.walkeeper.api.WalGap;
import io.walkeeper.api.WalTimeline;
import io.walkeeper.core.WalKeeper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code wal-show}: the timelines of the WAL archive, their parents, segments, gaps and backups. */
@Command(name = "wal-show", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Show each timeline in the WAL archive: its parent and switch point (from the archived .history "
                + "file), first and last archived segment, how many are archived, the gaps between them and the backups "
                + "that start on it.", "Gaps and .partial segments are listed below the table. Exits 0 whatever it finds; "
                + "use backup-verify to check one backup's WAL."})
public final class WalShowCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    WalKeeperCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print a JSON array, one object per timeline (schema in the README)")
    boolean json;

    @Override
    public Integer call() {
        List<WalTimeline> timelines;
        String location;
        try (WalKeeper wk = WalKeeperFactory.repository(root.configuration())) {
            timelines = wk.walArchiver().timelines();
            location = wk.store().location().toString();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(timelines));
        } else if (timelines.isEmpty()) {
            spec.commandLine().getErr().println("No WAL in " + location);
        } else {
            out.print(table(timelines));
            notes(timelines).forEach(out::println);
        }
        out.flush();
        return 0;
    }

    /**
     * Writes timelines as a JSON array with stable field names.
     *
     * @param timelines the timelines
     * @return pretty-printed JSON
     */
    static String toJson(List<WalTimeline> timelines) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (WalTimeline t : timelines) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("timeline", t.timeline().asLong());
            m.put("parentTimeline", t.parent().map(p -> (Object) p.asLong()).orElse(null));
            m.put("switchLsn", t.switchLsn() == null ? null : t.switchLsn().toString());
            m.put("historyArchived", t.historyArchived());
            m.put("firstSegment", t.firstSegment());
            m.put("lastSegment", t.lastSegment());
            m.put("segmentCount", t.segmentCount());
            m.put("missingSegments", t.missingSegments());
            m.put("partialSegments", t.partialSegments());
            List<Map<String, Object>> gaps = new ArrayList<>();
            for (WalGap g : t.gaps()) {
                Map<String, Object> gap = new LinkedHashMap<>();
                gap.put("firstMissing", g.firstMissing());
                gap.put("lastMissing", g.lastMissing());
                gap.put("count", g.count());
                gaps.add(gap);
            }
            m.put("gaps", gaps);
            m.put("backups", t.backups());
            rows.add(m);
        }
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Formats timelines as a table, one line per timeline.
     *
     * @param timelines the timelines
     * @return the table
     */
    static String table(List<WalTimeline> timelines) {
        List<String> header = List.of("TL", "PARENT", "SWITCH LSN", "FIRST SEGMENT", "LAST SEGMENT", "SEGMENTS", "MISSING",
                "BACKUPS");
        List<List<String>> rows = new ArrayList<>();
        for (WalTimeline t : timelines) {
            rows.add(List.of(t.timeline().toString(), t.parent().map(Object::toString).orElse("-"),
                    t.switchLsn() == null ? "-" : t.switchLsn().toString(), orDash(t.firstSegment()), orDash(t.lastSegment()),
                    Long.toString(t.segmentCount()), Long.toString(t.missingSegments()),
                    t.backups().isEmpty() ? "-" : String.join(",", t.backups())));
        }
        return TextTable.format(header, rows, h -> h.equals("SEGMENTS") || h.equals("MISSING"));
    }

    /**
     * Explains what the table only counts: each gap, each .partial segment, and timelines after
     * the first whose history file is missing.
     *
     * @param timelines the timelines
     * @return lines, empty when there is nothing to add
     */
    static List<String> notes(List<WalTimeline> timelines) {
        List<String> lines = new ArrayList<>();
        for (WalTimeline t : timelines) {
            for (WalGap g : t.gaps()) {
                lines.add("timeline " + t.timeline() + ": " + g.count() + (g.count() == 1 ? " segment" : " segments")
                        + " missing: " + (g.count() == 1 ? g.firstMissing() : g.firstMissing() + " to " + g.lastMissing())
                        + " (recovery cannot pass this gap)");
            }
            for (String p : t.partialSegments()) {
                lines.add("timeline " + t.timeline() + ": " + p + " archived only as .partial (the end of the timeline "
                        + "when a standby or restore was promoted)");
            }
            if (!t.historyArchived() && t.timeline().asLong() > 1) {
                lines.add("timeline " + t.timeline() + ": its history file " + t.timeline().toHex()
                        + ".history is not archived (recovery cannot follow this timeline from its parent)");
            }
        }
        return lines;
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
