package io.walkeeper.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.walkeeper.api.BackupInfo;
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
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@code backup-list}: the completed backups in the repository, oldest first. */
@Command(name = "backup-list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"List the completed backups, oldest first. A backup whose manifest cannot be read is left out "
                + "with a warning."})
public final class BackupListCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    WalKeeperCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print a JSON array with every field of every backup")
    boolean json;

    @Option(names = "--detail", description = "add WAL segments, PostgreSQL version, system identifier, permanence, "
            + "labels and file and part counts")
    boolean detail;

    @Override
    public Integer call() {
        List<BackupInfo> backups;
        String location;
        try (WalKeeper wk = WalKeeperFactory.repository(root.configuration())) {
            backups = wk.backups().list();
            location = wk.store().location().toString();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(backups));
        } else if (backups.isEmpty()) {
            spec.commandLine().getErr().println("No backups in " + location);
        } else {
            out.print(table(backups, detail));
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
            rows.add(m);
        }
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes backups as an aligned table.
     *
     * @param backups the backups
     * @param detail add the detail columns
     * @return the table, one line per backup after a header
     */
    static String table(List<BackupInfo> backups, boolean detail) {
        List<String> header = new ArrayList<>(List.of("NAME", "FINISHED (UTC)", "START LSN", "STOP LSN", "TL", "KIND",
                "DATA SIZE", "STORED SIZE"));
        if (detail) {
            header.addAll(List.of("START SEGMENT", "STOP SEGMENT", "PG", "SYSTEM IDENTIFIER", "PERMANENT", "FILES", "PARTS",
                    "LABELS"));
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(header);
        for (BackupInfo b : backups) {
            List<String> row = new ArrayList<>(List.of(b.name(), BackupFetchCommand.UTC.format(b.finishTime()),
                    b.startLsn().toString(), b.stopLsn().toString(), b.timeline().toString(),
                    b.kind().name().toLowerCase(Locale.ROOT), ByteSizes.format(b.dataSize()), ByteSizes.format(b.storedSize())));
            if (detail) {
                row.addAll(List.of(b.startWalSegment(), b.stopWalSegment(), pgVersion(b.pgVersionNum()),
                        b.systemIdentifierText(), b.permanent() ? "yes" : "no", Long.toString(b.fileCount()),
                        Integer.toString(b.partCount()), new TreeMap<>(b.labels()).entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","))));
            }
            rows.add(row);
        }
        int[] width = new int[header.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                boolean right = header.get(i).endsWith("SIZE") || header.get(i).equals("FILES") || header.get(i).equals("PARTS");
                String cell = row.get(i);
                String pad = " ".repeat(width[i] - cell.length());
                line.append(right ? pad + cell : cell + pad).append("  ");
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    private static String pgVersion(int num) {
        if (num <= 0) {
            return "?";
        }
        return num >= 100000 ? (num / 10000) + "." + (num % 10000) : (num / 10000) + "." + (num / 100 % 100) + "." + (num % 100);
    }
}
