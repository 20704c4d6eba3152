package io.walkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walkeeper.api.InvalidRequestException;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads backup labels as users write them: {@code key=value} (one per {@code --annotation}, or
 * several separated by commas) or a JSON object of scalar values, as WAL-G's
 * {@code WALG_SENTINEL_USER_DATA} and {@code --target-user-data} take it. WAL-G user data that is
 * not an object (a string, a number) becomes the one label {@value #USER_DATA}.
 */
final class Labels {
    /** The label that holds WAL-G user data that is not a JSON object. */
    static final String USER_DATA = "user-data";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Labels() {
    }

    /**
     * Parses labels.
     *
     * @param items each a JSON object, a comma-separated list of {@code key=value}, or (when
     *     {@code userData}) any text
     * @param userData whether text that is neither is WAL-G user data rather than an error
     * @return the labels, in the order given
     * @throws InvalidRequestException naming the item that cannot be read
     */
    static Map<String, String> parse(List<String> items, boolean userData) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : items) {
            String text = item.strip();
            if (text.startsWith("{")) {
                JsonNode node;
                try {
                    node = JSON.readTree(text);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new InvalidRequestException("Cannot read the labels '" + item + "': not a JSON object ("
                            + e.getOriginalMessage() + ")");
                } catch (IOException e) {
                    throw new InvalidRequestException("Cannot read the labels '" + item + "': " + e.getMessage());
                }
                node.fields().forEachRemaining(f -> {
                    if (!f.getValue().isValueNode()) {
                        throw new InvalidRequestException("Cannot use label " + f.getKey() + ": its value is not a string, "
                                + "number or boolean");
                    }
                    out.put(f.getKey(), f.getValue().asText());
                });
            } else if (text.contains("=")) {
                for (String pair : text.split(",")) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        throw new InvalidRequestException("Cannot read the label '" + pair.strip() + "': expected key=value");
                    }
                    out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
                }
            } else if (userData && !text.isEmpty()) {
                out.put(USER_DATA, text);
            } else {
                throw new InvalidRequestException("Cannot read the label '" + item + "': expected key=value or a JSON object");
            }
        }
        return out;
    }
}
