package io.walkeeper.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.walkeeper.api.BackupInfo;
import io.walkeeper.api.BackupStatistics;
import io.walkeeper.api.CorruptPage;
import io.walkeeper.api.DrillReport;
import io.walkeeper.core.WalKeeper;
import io.walkeeper.core.drill.DrillReports;
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
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@code backup-list}: the completed backups in the repository, oldest first. */
@Command(name = "backup-list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"List the completed backups, oldest first. A backup whose manifest cannot be read is left out "
                + "with a warning.", "Backups that found data pages with a wrong checksum are named on standard error."})
public final class BackupListCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    WalKeeperCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print a JSON array with every field of every backup")
    boolean json;

    @Option(names = "--detail", description = "add each delta's parent and pages stored/scanned, WAL segments, PostgreSQL "
            + "version, system identifier, permanence, file and part counts, corrupt page count and labels; list each "
            + "corrupt page")
    boolean detail;

    @Override
    public Integer call() {
        List<BackupInfo> backups;
        String location;
        Map<String, DrillReport> drills = Map.of();
        try (WalKeeper wk = WalKeeperFactory.repository(root.configuration())) {
            backups = wk.backups().list();
            location = wk.store().location().toString();
            if (detail || json) {
                drills = wk.restorer().lastDrills();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(backups, drills));
        } else if (backups.isEmpty()) {
            spec.commandLine().getErr().println("No backups in " + location);
        } else {
            out.print(table(backups, detail, drills));
            out.flush();
            PrintWriter err = spec.commandLine().getErr();
            corruptPageNotes(backups, detail).forEach(err::println);
            err.flush();
        }
        out.flush();
        return 0;
    }

    /**
     * Writes backups as a JSON array, one object per backup with every {@link BackupInfo} field.
     *
     * @param backups the backups
     * @return pretty-printed JSON
     */
    static String toJson(List<BackupInfo> backups) {
        return toJson(backups, Map.of());
    }

    /**
     * Writes backups as a JSON array, each with its last drill report ({@code lastDrill}, null when none).
     *
     * @param backups the backups
     * @param drills backup name to its last drill report
     * @return pretty-printed JSON
     */
    static String toJson(List<BackupInfo> backups, Map<String, DrillReport> drills) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (BackupInfo b : backups) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", b.name());
            m.put("kind", b.kind().name());
            m.put("parentName", b.parentName());
            m.put("timeline", b.timeline().asLong());
            m.put("startLsn", b.startLsn().toString());
            m.put("stopLsn", b.stopLsn().toString());
            m.put("startWalSegment", b.startWalSegment());
            m.put("stopWalSegment", b.stopWalSegment());
            m.put("startTime", b.startTime().toString());
            m.put("finishTime", b.finishTime().toString());
            m.put("pgVersionNum", b.pgVersionNum());
            m.put("systemIdentifier", b.systemIdentifierText());
            m.put("dataChecksums", b.dataChecksums());
            m.put("walSegmentSize", b.walSegmentSize());
            m.put("permanent", b.permanent());
            m.put("labels", new TreeMap<>(b.labels()));
            m.put("dataSize", b.dataSize());
            m.put("storedSize", b.storedSize());
            m.put("fileCount", b.fileCount());
            m.put("partCount", b.partCount());
            m.put("statistics", statistics(b.statistics()));
            m.put("corruptPages", b.corruptPages().stream().map(BackupListCommand::corruptPage).toList());
            DrillReport drill = drills.get(b.name());
            m.put("lastDrill", drill == null ? null : drillJson(drill));
            rows.add(m);
        }
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The drill report with the fields of its stored JSON. */
    private static JsonNode drillJson(DrillReport r) {
        try {
            return new ObjectMapper().readTree(DrillReports.toJson(r));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> statistics(BackupStatistics s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bytesRead", s.bytesRead());
        m.put("bytesStored", s.bytesStored());
        m.put("pagesScanned", s.pagesScanned());
        m.put("pagesStored", s.pagesStored());
        m.put("filesStoredWhole", s.filesStoredWhole());
        m.put("filesStoredAsDelta", s.filesStoredAsDelta());
        m.put("filesSkippedUnchanged", s.filesSkippedUnchanged());
        m.put("filesSkippedUnread", s.filesSkippedUnread());
        m.put("bytesSkippedUnread", s.bytesSkippedUnread());
        return m;
    }

    private static Map<String, Object> corruptPage(CorruptPage p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", p.path());
        m.put("block", p.block());
        m.put("expected", p.expected());
        m.put("found", p.found());
        return m;
    }

    /**
     * Names the backups that read data pages with a wrong checksum, for standard error.
     *
     * @param backups the backups
     * @param detail list every page, not only the count
     * @return warning lines, empty when no backup found a corrupt page
     */
    static List<String> corruptPageNotes(List<BackupInfo> backups, boolean detail) {
        List<String> lines = new ArrayList<>();
        for (BackupInfo b : backups) {
            int n = b.corruptPages().size();
            if (n == 0) {
                continue;
            }
            lines.add("WARNING: backup " + b.name() + " read " + n + (n == 1 ? " data page" : " data pages")
                    + " with a wrong checksum" + (detail ? ":" : " (--detail lists them)"));
            if (detail) {
                b.corruptPages().forEach(p -> lines.add("  " + p));
            }
        }
        return lines;
    }

    /**
     * Writes backups as an aligned table.
     *
     * @param backups the backups
     * @param detail add the detail columns
     * @return the table, one line per backup after a header
     */
    static String table(List<BackupInfo> backups, boolean detail) {
        return table(backups, detail, Map.of());
    }

    /**
     * Writes backups as an aligned table; with {@code detail}, the column before the labels is
     * each backup's last drill ({@code backup-drill}): its outcome, when it ran, and the RTO it measured.
     *
     * @param backups the backups
     * @param detail add the detail columns
     * @param drills backup name to its last drill report
     * @return the table, one line per backup after a header
     */
    static String table(List<BackupInfo> backups, boolean detail, Map<String, DrillReport> drills) {
        List<String> header = new ArrayList<>(List.of("NAME", "FINISHED (UTC)", "START LSN", "STOP LSN", "TL", "KIND",
                "DATA SIZE", "STORED SIZE"));
        if (detail) {
            header.addAll(List.of("PARENT", "START SEGMENT", "STOP SEGMENT", "PG", "SYSTEM IDENTIFIER", "PERMANENT", "FILES",
                    "PARTS", "DELTA PAGES", "CORRUPT PAGES", "LAST DRILL", "LABELS"));
        }
        List<List<String>> rows = new ArrayList<>();
        for (BackupInfo b : backups) {
            List<String> row = new ArrayList<>(List.of(b.name(), BackupFetchCommand.UTC.format(b.finishTime()),
                    b.startLsn().toString(), b.stopLsn().toString(), b.timeline().toString(),
                    b.kind().name().toLowerCase(Locale.ROOT), ByteSizes.format(b.dataSize()), ByteSizes.format(b.storedSize())));
            if (detail) {
                row.addAll(List.of(b.parent().orElse("-"), b.startWalSegment(), b.stopWalSegment(), pgVersion(b.pgVersionNum()),
                        b.systemIdentifierText(), b.permanent() ? "yes" : "no", Long.toString(b.fileCount()),
                        Integer.toString(b.partCount()), deltaPages(b), Integer.toString(b.corruptPages().size()),
                        lastDrill(drills.get(b.name())),
                        new TreeMap<>(b.labels()).entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","))));
            }
            rows.add(row);
        }
        return TextTable.format(header, rows, h -> h.endsWith("SIZE") || h.endsWith("PAGES") || h.equals("FILES")
                || h.equals("PARTS"));
    }

    /** A drill report in a cell: {@code PASSED 2026-12-06 19:50 RTO 3.1 s}, or "-" when the backup was never drilled. */
    static String lastDrill(DrillReport d) {
        if (d == null) {
            return "-";
        }
        return (d.ok() ? "PASSED " : "FAILED ") + BackupFetchCommand.UTC.format(d.startedAt()).substring(0, 16)
                + (d.timeToPromotion() == null ? "" : String.format(Locale.ROOT, " RTO %.1f s", d.timeToPromotion().toMillis() / 1000.0));
    }

    /** For a delta, the relation pages it stored out of those it scanned; "-" for a full backup. */
    private static String deltaPages(BackupInfo b) {
        BackupStatistics s = b.statistics();
        return b.parent().isEmpty() ? "-" : s.pagesStored() + "/" + s.pagesScanned();
    }

    private static String pgVersion(int num) {
        if (num <= 0) {
            return "?";
        }
        return num >= 100000 ? (num / 10000) + "." + (num % 10000) : (num / 10000) + "." + (num / 100 % 100) + "." + (num % 100);
    }
}
