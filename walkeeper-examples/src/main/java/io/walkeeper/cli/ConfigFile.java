package io.walkeeper.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walkeeper.api.ConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Reads a flat JSON configuration file ({@code .walkeeper.json}, or WAL-G's {@code .walg.json}):
 * one object whose values are strings, numbers or booleans.
 */
final class ConfigFile {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ConfigFile() {
    }

    /**
     * Reads the file.
     *
     * @param file the file
     * @param origin how it was found, for messages (e.g. "given with --config")
     * @param known which keys are settings; others are handed to {@code unknown} and skipped
     * @param unknown receives each key that is not a setting
     * @return key to value as text, in file order
     * @throws ConfigurationException if the file cannot be read or is not such an object
     */
    static Map<String, String> read(Path file, String origin, Predicate<String> known, Consumer<String> unknown) {
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = MAPPER.readTree(in);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException("Cannot read configuration file " + file + " (" + origin + "): no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigurationException("Cannot read configuration file " + file + " (" + origin + "): permission denied "
                    + "(HINT: PostgreSQL runs archive_command and restore_command as its own OS user, which must be able to "
                    + "read this file)");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ConfigurationException("Cannot read configuration file " + file + " (" + origin + "): it is not valid JSON"
                    + where + " (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new ConfigurationException("Cannot read configuration file " + file + " (" + origin + "): " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigurationException("Configuration file " + file + " (" + origin + ") must hold one JSON object, e.g. "
                    + "{\"WALKEEPER_STORAGE\": \"file:///var/backups/pg\"}");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (!known.test(key)) {
                unknown.accept(key);
                continue;
            }
            if (value.isNull()) {
                continue;
            }
            if (!value.isValueNode()) {
                throw new ConfigurationException("Cannot use " + key + " in " + file + ": expected a string, number or boolean, "
                        + "not a JSON " + (value.isArray() ? "array" : "object"));
            }
            values.put(key, value.asText());
        }
        return values;
    }
}
