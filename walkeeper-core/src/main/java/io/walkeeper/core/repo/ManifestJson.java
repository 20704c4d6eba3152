package io.walkeeper.core.repo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.walkeeper.api.BackupKind;
import io.walkeeper.api.BackupStatistics;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.TimelineId;

import java.io.IOException;
import java.time.Instant;
import java.util.function.Function;

/**
 * How the typed values of a manifest are written, as text or numbers exactly as the format has
 * always held them: an LSN as PostgreSQL prints it ({@code 16/B374D848}), a time as
 * {@link Instant#toString()} (ISO 8601 UTC), a timeline as a number, a backup kind as
 * {@code FULL} or {@code DELTA}, a file entry's type and storage as {@code file}/{@code dir}
 * and {@code whole}/{@code delta}/{@code unchanged}. A value that does not read fails the parse
 * with a Jackson mapping error naming the field, which the repository reports as a damaged
 * manifest. The API types stay free of Jackson: they are mapped here. The statistics' figures of
 * files skipped unread are written only when not zero, so a manifest written before they existed
 * writes back as it was read.
 */
final class ManifestJson {

    private ManifestJson() {
    }

    /** Leaves out the figures of files skipped unread when they are zero. */
    private abstract static class StatisticsMixIn {
        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        abstract long filesSkippedUnread();

        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        abstract long bytesSkippedUnread();
    }

    /**
     * Returns the module that maps the manifest's value types.
     *
     * @return a new module
     */
    static SimpleModule module() {
        SimpleModule m = new SimpleModule("walkeeper-manifest");
        text(m, Lsn.class, Lsn::toString, Lsn::parse, "an LSN such as 16/B374D848");
        text(m, Instant.class, IsoInstants::format, IsoInstants::parse, "an ISO 8601 time such as 2026-01-01T00:00:00Z");
        text(m, BackupKind.class, BackupKind::name, BackupKind::valueOf, "FULL or DELTA");
        text(m, FileEntry.Type.class, FileEntry.Type::text, FileEntry.Type::ofText, "file or dir");
        text(m, FileEntry.Storage.class, FileEntry.Storage::text, FileEntry.Storage::ofText, "whole, delta or unchanged");
        m.setMixInAnnotation(BackupStatistics.class, StatisticsMixIn.class);
        m.addSerializer(TimelineId.class, new JsonSerializer<>() {
            @Override
            public void serialize(TimelineId value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeNumber(value.asLong());
            }
        });
        m.addDeserializer(TimelineId.class, new JsonDeserializer<>() {
            @Override
            public TimelineId deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                long value = ctxt.readValue(p, Long.TYPE);
                if (value <= 0 || value > 0xFFFFFFFFL) {
                    throw ctxt.weirdNumberException(value, TimelineId.class, "not a timeline: expected 1 to " + 0xFFFFFFFFL);
                }
                return TimelineId.of(value);
            }
        });
        return m;
    }

    /**
     * Says what Jackson could not read, and in which field when it knows, for example
     * {@code field files[3].storage: Cannot deserialize ...}.
     *
     * @param e the failure to parse
     * @return the problem, for a message that names the object
     */
    static String problem(JsonProcessingException e) {
        StringBuilder field = new StringBuilder();
        if (e instanceof JsonMappingException m) {
            for (JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    field.append(field.length() == 0 ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    field.append('[').append(r.getIndex()).append(']');
                }
            }
        }
        return field.length() == 0 ? e.getOriginalMessage() : "field " + field + ": " + e.getOriginalMessage();
    }

    /** Maps a type to a JSON string: read as a string (with Jackson's usual coercions), then parsed. */
    private static <T> void text(SimpleModule m, Class<T> type, Function<T, String> format, Function<String, T> parse,
                                 String expected) {
        m.addSerializer(type, new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(format.apply(value));
            }
        });
        m.addDeserializer(type, new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                String text = ctxt.readValue(p, String.class);
                if (text == null) {
                    return null;
                }
                try {
                    return parse.apply(text);
                } catch (RuntimeException e) {
                    JsonMappingException refused = ctxt.weirdStringException(text, type, "expected " + expected);
                    refused.initCause(e);
                    throw refused;
                }
            }
        });
    }
}
