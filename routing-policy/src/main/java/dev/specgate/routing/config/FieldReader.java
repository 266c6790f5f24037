package dev.specgate.routing.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the fields of one object of the policy tree, knowing its own path so that every type error names
 * the field (e.g. {@code thresholds.overload_queue_depth: must be an integer}). Missing fields take the
 * default they are asked with; fields nobody asked for are reported by {@link #rejectUnknownFields()}, which
 * catches typos that would otherwise silently fall back to a default.
 */
final class FieldReader {

    private final JsonNode node;
    private final String path;
    private final Set<String> known = new HashSet<>();

    private FieldReader(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** The object at {@code path}; a missing or null node reads as an empty object. */
    static FieldReader of(JsonNode node, String path) {
        if (node != null && !node.isNull() && !node.isMissingNode() && !node.isObject()) {
            throw new InvalidPolicyException(path, "must be a mapping of fields");
        }
        return new FieldReader(node, path);
    }

    String pathOf(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private JsonNode field(String name) {
        known.add(name);
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    boolean has(String name) {
        return field(name) != null;
    }

    double number(String name, double defaultValue) {
        JsonNode value = field(name);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isNumber()) {
            throw new InvalidPolicyException(pathOf(name), "must be a number, got " + describe(value));
        }
        return value.doubleValue();
    }

    int integer(String name, int defaultValue) {
        JsonNode value = field(name);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new InvalidPolicyException(pathOf(name), "must be an integer, got " + describe(value));
        }
        return value.intValue();
    }

    /** An optional integer; null when absent. */
    Integer optionalInteger(String name) {
        return has(name) ? integer(name, 0) : null;
    }

    String text(String name, String defaultValue) {
        JsonNode value = field(name);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isTextual()) {
            throw new InvalidPolicyException(pathOf(name), "must be a string, got " + describe(value));
        }
        return value.textValue();
    }

    /** A list of strings; a single string is accepted as a list of one. Null when absent. */
    List<String> textList(String name) {
        JsonNode value = field(name);
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            return List.of(value.textValue());
        }
        if (!value.isArray()) {
            throw new InvalidPolicyException(pathOf(name), "must be a list of strings, got " + describe(value));
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isTextual()) {
                throw new InvalidPolicyException(pathOf(name) + "[" + i + "]", "must be a string, got " + describe(item));
            }
            items.add(item.textValue());
        }
        return items;
    }

    FieldReader object(String name) {
        return of(field(name), pathOf(name));
    }

    /** The entries of a mapping field, in file order; empty when absent. */
    List<Map.Entry<String, JsonNode>> entries(String name) {
        JsonNode value = field(name);
        if (value == null) {
            return List.of();
        }
        if (!value.isObject()) {
            throw new InvalidPolicyException(pathOf(name), "must be a mapping, got " + describe(value));
        }
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        value.properties().forEach(entries::add);
        return entries;
    }

    void rejectUnknownFields() {
        if (node == null || !node.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!known.contains(entry.getKey())) {
                throw new InvalidPolicyException(pathOf(entry.getKey()), "unknown field");
            }
        }
    }

    private static String describe(JsonNode value) {
        String text = value.toString();
        return value.getNodeType().name().toLowerCase() + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }
}
