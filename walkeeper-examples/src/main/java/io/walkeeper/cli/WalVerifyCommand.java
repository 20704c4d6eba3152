package io.walkeeper.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.walkeeper.api.ClusterWalState;
import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.TimelineId;
import io.walkeeper.api.WalVerification;
import io.walkeeper.api.WalVerification.Status;
import io.walkeeper.core.WalKeeper;
import io.walkeeper.core.pg.ClusterWal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code wal-verify [integrity] [timeline] [--json]}: checks the archive against the running primary. */
@Command(name = "wal-verify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Check the WAL archive against the running primary (PGDATA, PGHOST, …).",
                "  integrity  every segment from the oldest backup's start to the server's current one is archived; "
                        + "segments the server has not archived yet (.ready, or after pg_stat_archiver's last) are "
                        + "pending, the others lost",
                "  timeline   the archive holds no timeline newer than the server's (another server promoted and "
                        + "archiving here)",
                "Without a check name, both. Exit status: 0 all OK, " + WalVerifyCommand.EXIT_WARNING
                        + " a warning (pending segments, a newer timeline, no backup), " + WalVerifyCommand.EXIT_FAILURE
                        + " a failure (lost segments)."})
public final class WalVerifyCommand implements Callable<Integer> {
    /** Exit status when a check warns and none fails. */
    static final int EXIT_WARNING = 12;
    /** Exit status when a check fails. */
    static final int EXIT_FAILURE = 13;

    @ParentCommand
    WalKeeperCli root;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..2", paramLabel = "CHECK", description = "integrity, timeline (default: both)")
    List<String> checks = new ArrayList<>();

    @Option(names = "--json", description = "print one JSON object (schema in the README)")
    boolean json;

    @Override
    public Integer call() {
        boolean integrity = checks.isEmpty();
        boolean timeline = checks.isEmpty();
        for (String c : checks) {
            switch (c.toLowerCase(Locale.ROOT)) {
                case "integrity" -> integrity = true;
                case "timeline" -> timeline = true;
                default -> throw new InvalidRequestException("Unknown check '" + c + "': integrity or timeline");
            }
        }
        CliConfiguration config = root.configuration();
        Path pgdata = config.pgData().orElseThrow(() -> new ConfigurationException(
                "wal-verify compares the archive with the server: set PGDATA (and PGHOST, PGPORT, PGUSER)"));
        ClusterWalState state = ClusterWal.read(config.pgConnection(root.host().userName()), pgdata);
        WalVerification v;
        try (WalKeeper wk = WalKeeperFactory.repository(config)) {
            v = wk.walArchiver().verify(state);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(v, integrity, timeline));
        } else {
            if (integrity) {
                out.println(integrityLine(v));
            }
            if (timeline) {
                out.println(timelineLine(v));
            }
        }
        out.flush();
        Status worst = Status.OK;
        if (integrity) {
            worst = v.integrity();
        }
        if (timeline && v.timeline().compareTo(worst) > 0) {
            worst = v.timeline();
        }
        return switch (worst) {
            case OK -> 0;
            case WARNING -> EXIT_WARNING;
            case FAILURE -> EXIT_FAILURE;
        };
    }

    static String integrityLine(WalVerification v) {
        if (v.firstSegment() == null) {
            return "integrity: WARNING: no backup in the archive, so there is nothing to check from";
        }
        return "integrity: " + v.integrity() + ": " + v.segmentsChecked() + " segment(s) from " + v.firstSegment() + " to "
                + (v.lastSegment() == null ? v.firstSegment() : v.lastSegment()) + "; " + v.lost().size() + " lost"
                + (v.lost().isEmpty() ? "" : " (" + String.join(", ", v.lost()) + ")") + ", " + v.pending().size()
                + " not archived yet" + (v.pending().isEmpty() ? "" : " (" + String.join(", ", v.pending()) + ")");
    }

    static String timelineLine(WalVerification v) {
        return "timeline: " + v.timeline() + ": the server is on timeline " + v.clusterTimeline().asLong()
                + (v.newerTimelines().isEmpty() ? "; the archive holds no newer timeline"
                : "; the archive holds newer timeline(s) " + v.newerTimelines().stream().map(t -> Long.toString(t.asLong()))
                .toList() + ": another server was promoted and archives here");
    }

    static String toJson(WalVerification v, boolean integrity, boolean timeline) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (integrity) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", v.integrity().name());
            m.put("firstSegment", v.firstSegment());
            m.put("lastSegment", v.lastSegment());
            m.put("segmentsChecked", v.segmentsChecked());
            m.put("lost", v.lost());
            m.put("pending", v.pending());
            out.put("integrity", m);
        }
        if (timeline) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", v.timeline().name());
            m.put("clusterTimeline", v.clusterTimeline().asLong());
            m.put("newerTimelines", v.newerTimelines().stream().map(TimelineId::asLong).toList());
            out.put("timeline", m);
        }
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
