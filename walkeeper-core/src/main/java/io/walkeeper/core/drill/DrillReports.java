package io.walkeeper.core.drill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walkeeper.api.DrillCheck;
import io.walkeeper.api.DrillReport;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.TimelineId;
import io.walkeeper.core.repo.Json;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryLayout;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Drill reports in the repository: {@code drills/<backup>/<yyyyMMdd'T'HHmmssSSS'Z'>.json}, one per
 * drill, named by its start time in UTC, each written whole (a store's {@code put} replaces
 * atomically: a reader sees the whole report or none). The JSON fields are stable and documented
 * in the README; durations are in milliseconds.
 */
public final class DrillReports {
    /** The prefix of drill reports. */
    public static final String PREFIX = RepositoryLayout.DRILLS_PREFIX;

    private static final Logger LOG = LoggerFactory.getLogger(DrillReports.class);
    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final BlobStore store;

    /**
     * Reads and writes the drill reports of a repository.
     *
     * @param repository the repository
     */
    public DrillReports(Repository repository) {
        this.store = repository.store();
    }

    /**
     * Stores a report.
     *
     * @param report the report
     * @return its key
     * @throws StorageException if the store fails
     */
    public String store(DrillReport report) {
        String key = RepositoryLayout.drillPrefix(report.backup()) + KEY_TIME.format(report.startedAt()) + ".json";
        byte[] json = toJson(report).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        store.put(key, out -> out.write(json));
        return key;
    }

    /**
     * Reads the newest report of each backup. A report that cannot be read is logged and left out.
     *
     * @return backup name to report, by name
     */
    public Map<String, DrillReport> last() {
        Map<String, String> newest = new TreeMap<>();
        try (Stream<BlobInfo> s = store.list(PREFIX)) {
            s.forEach(b -> {
                String backup = RepositoryLayout.backupNameOfDrillReport(b.key());
                if (backup != null && b.key().endsWith(".json")) {
                    newest.merge(backup, b.key(), (x, y) -> x.compareTo(y) >= 0 ? x : y);
                }
            });
        }
        Map<String, DrillReport> out = new TreeMap<>();
        newest.forEach((backup, key) -> {
            try (InputStream in = store.get(key)) {
                out.put(backup, fromJson(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
            } catch (NotFoundException e) {
                LOG.debug("Drill report {} vanished while it was read", key);
            } catch (IntegrityException e) {
                LOG.warn("Skipping drill report {}: {}", key, e.getMessage());
            } catch (IOException e) {
                throw new StorageException("Cannot read drill report '" + key + "' in " + store.location(), e);
            }
        });
        return out;
    }

    /**
     * Writes a report as JSON, with the field names of the README's schema.
     *
     * @param r the report
     * @return indented JSON
     */
    public static String toJson(DrillReport r) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("formatVersion", 1);
        o.put("backup", r.backup());
        o.put("recoveryTarget", r.recoveryTarget());
        o.put("startedAt", r.startedAt().toString());
        o.put("status", r.ok() ? "PASSED" : "FAILED");
        o.put("failure", r.failure());
        o.put("pgVersion", r.pgVersion());
        putMillis(o, "restoreMillis", r.restoreDuration());
        putMillis(o, "timeToConsistencyMillis", r.timeToConsistency());
        putMillis(o, "timeToPromotionMillis", r.timeToPromotion());
        putMillis(o, "totalMillis", r.totalDuration());
        o.put("recoveredLsn", r.recoveredLsn() == null ? null : r.recoveredLsn().toString());
        if (r.recoveredTimeline() == null) {
            o.putNull("recoveredTimeline");
        } else {
            o.put("recoveredTimeline", r.recoveredTimeline().asLong());
        }
        o.put("lastReplayedTransactionTime", r.lastReplayedTransactionTime() == null ? null
                : r.lastReplayedTransactionTime().toString());
        o.put("walSegmentsRestored", r.walSegmentsRestored());
        ArrayNode checks = o.putArray("checks");
        for (DrillCheck c : r.checks()) {
            ObjectNode n = checks.addObject();
            n.put("name", c.name());
            n.put("status", c.status().name());
            n.put("detail", c.detail());
            n.put("millis", c.elapsed().toMillis());
        }
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the drill report of " + r.backup(), e);
        }
    }

    /**
     * Reads a report written by {@link #toJson(DrillReport)}.
     *
     * @param json the JSON text
     * @return the report
     * @throws IntegrityException if it does not parse or lacks a required field
     */
    public static DrillReport fromJson(String json) {
        try {
            JsonNode o = Json.MAPPER.readTree(json);
            List<DrillCheck> checks = new ArrayList<>();
            for (JsonNode n : o.path("checks")) {
                checks.add(new DrillCheck(n.path("name").asText(), DrillCheck.Status.valueOf(n.path("status").asText()),
                        n.path("detail").asText(""), Duration.ofMillis(n.path("millis").asLong())));
            }
            return new DrillReport(required(o, "backup"), required(o, "recoveryTarget"),
                    Instant.parse(required(o, "startedAt")), text(o, "failure"), text(o, "pgVersion"),
                    millis(o, "restoreMillis"), millis(o, "timeToConsistencyMillis"), millis(o, "timeToPromotionMillis"),
                    millis(o, "totalMillis"), text(o, "recoveredLsn") == null ? null : Lsn.parse(text(o, "recoveredLsn")),
                    o.path("recoveredTimeline").isNumber() ? TimelineId.of(o.path("recoveredTimeline").asLong()) : null,
                    text(o, "lastReplayedTransactionTime") == null ? null
                            : Instant.parse(text(o, "lastReplayedTransactionTime")),
                    o.path("walSegmentsRestored").asInt(), checks);
        } catch (JsonProcessingException e) {
            throw new IntegrityException("Cannot read a drill report: it does not parse (" + e.getOriginalMessage() + ")", e);
        } catch (RuntimeException e) {
            throw new IntegrityException("Cannot read a drill report: " + e.getMessage(), e);
        }
    }

    private static void putMillis(ObjectNode o, String field, Duration d) {
        if (d == null) {
            o.putNull(field);
        } else {
            o.put(field, d.toMillis());
        }
    }

    private static Duration millis(JsonNode o, String field) {
        JsonNode n = o.path(field);
        return n.isNumber() ? Duration.ofMillis(n.asLong()) : null;
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.path(field);
        return n.isTextual() ? n.asText() : null;
    }

    private static String required(JsonNode o, String field) {
        String s = text(o, field);
        if (s == null) {
            throw new IntegrityException("Cannot read a drill report: it has no '" + field + "'");
        }
        return s;
    }
}
