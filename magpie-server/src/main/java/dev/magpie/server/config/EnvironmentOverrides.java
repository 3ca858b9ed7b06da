package dev.magpie.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Applies {@code MAGPIE_<PATH>} environment variables to a config: the key path in upper snake case, list
 * indexes as numbers ({@code MAGPIE_LIMITS_MAX_PACKET_SIZE}, {@code MAGPIE_LISTENERS_0_PORT}).
 *
 * <p>The config is turned into a tree that holds <em>every</em> key (defaults included), so a variable is
 * matched against the real schema rather than against what the file happened to spell out. Because keys
 * contain underscores themselves, matching walks the tree and tries the longest key first. A variable that
 * matches nothing is an error, not ignored: a typo in a deployment must not silently leave a default in place.
 * Overrides are applied all at once (so keys valid only together, such as a certificate and its key, can come from
 * two variables); when the result is refused they are applied again one at a time, in name order, re-validating after
 * each, so a bad value is blamed on the variable that set it.
 */
public final class EnvironmentOverrides {

    public static final String PREFIX = "MAGPIE_";

    /**
     * Variables with the prefix that are not config keys: read by the launchers ({@code bin/magpie},
     * {@code bin/magpie.cmd}) and the container image, not by the program, or (the password) by {@code magpie pub}
     * and {@code magpie sub}. They must never stop a start: the container sets {@code MAGPIE_HOME} for everyone.
     */
    public static final Set<String> NOT_CONFIG_KEYS = Set.of("MAGPIE_JAVA_OPTS", "MAGPIE_JAR", "MAGPIE_HOME",
            "MAGPIE_PASSWORD");

    private final Map<String, String> overrides;
    private final ObjectMapper mapper;

    EnvironmentOverrides(Map<String, String> environment, ObjectMapper mapper) {
        this.mapper = mapper;
        Map<String, String> selected = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(PREFIX) && !NOT_CONFIG_KEYS.contains(name)) {
                selected.put(name, value);
            }
        });
        this.overrides = selected;
    }

    MagpieConfig applyTo(MagpieConfig base) {
        if (overrides.size() > 1) {
            // keys that are only valid together (cert_file and key_file) may be set by two variables: all at once
            // first; only when that fails, one at a time, to blame the variable that made the config invalid
            // (or a variable may name a key that only an earlier one makes exist: also one at a time)
            try {
                ObjectNode tree = mapper.valueToTree(base);
                for (Map.Entry<String, String> override : overrides.entrySet()) {
                    String keyPath = override.getKey().substring(PREFIX.length()).toLowerCase(Locale.ROOT);
                    Slot slot = find(tree, keyPath, "", override.getKey());
                    slot.set(typed(slot, override.getValue(), override.getKey()));
                }
                return mapper.treeToValue(tree, MagpieConfig.class);
            } catch (JsonProcessingException | IllegalArgumentException | ConfigException e) {
                // fall through: the loop below names the variable
            }
        }
        MagpieConfig config = base;
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            config = applyOne(config, override.getKey(), override.getValue());
        }
        return config;
    }

    private MagpieConfig applyOne(MagpieConfig config, String variable, String value) {
        ObjectNode tree = mapper.valueToTree(config);
        String keyPath = variable.substring(PREFIX.length()).toLowerCase(Locale.ROOT);
        Slot slot = find(tree, keyPath, "", variable);
        slot.set(typed(slot, value, variable));
        try {
            return mapper.treeToValue(tree, MagpieConfig.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String what = e instanceof JsonProcessingException jpe ? ConfigErrors.describe(jpe).reason() : e.getMessage();
            throw new ConfigException("config error in environment variable " + variable + "=" + value + ": "
                    + what, e);
        }
    }

    /** Walks {@code node} along {@code rest} (lower snake case), preferring the longest key at each level. */
    private static Slot find(JsonNode node, String rest, String pathSoFar, String variable) {
        if (node instanceof ObjectNode object) {
            List<String> keys = new ArrayList<>();
            object.fieldNames().forEachRemaining(keys::add);
            keys.sort(Comparator.comparingInt(String::length).reversed());
            for (String key : keys) {
                String path = pathSoFar.isEmpty() ? key : pathSoFar + "." + key;
                if (rest.equals(key)) {
                    JsonNode child = object.get(key);
                    if (child.isContainerNode()) {
                        throw new ConfigException("environment variable " + variable + " names the section " + path
                                + ", not a value; override its keys one by one, e.g. " + example(child, variable));
                    }
                    return new Slot(object, key, path, child);
                }
                if (rest.startsWith(key + "_")) {
                    return find(object.get(key), rest.substring(key.length() + 1), path, variable);
                }
            }
            keys.sort(Comparator.naturalOrder());
            // the key it was read as, so a typo shows next to the keys that do exist
            String lookedFor = pathSoFar.isEmpty() ? rest : pathSoFar + "." + rest;
            throw new ConfigException("environment variable " + variable + " names no config key: it looked for "
                    + lookedFor + ", but " + (pathSoFar.isEmpty() ? "the top-level keys are " : pathSoFar + " has the keys ")
                    + String.join(", ", keys) + " (write the path in upper case with _ between parts, "
                    + "e.g. MAGPIE_LIMITS_MAX_PACKET_SIZE; see docs/configuration.md)");
        }
        if (node instanceof ArrayNode array) {
            int underscore = rest.indexOf('_');
            String indexText = underscore < 0 ? rest : rest.substring(0, underscore);
            int index = parseIndex(indexText);
            if (index < 0 || index >= array.size()) {
                throw new ConfigException("environment variable " + variable + " refers to " + pathSoFar + "["
                        + indexText + "], but the config has " + array.size() + " entr"
                        + (array.size() == 1 ? "y" : "ies") + " in " + pathSoFar + " (indexes start at 0; the environment can"
                        + " change entries, not add them)");
            }
            String path = pathSoFar + "[" + index + "]";
            if (underscore < 0) {
                throw new ConfigException("environment variable " + variable + " names the entry " + path
                        + ", not a value; override its keys one by one, e.g. " + variable + "_PORT");
            }
            return find(array.get(index), rest.substring(underscore + 1), path, variable);
        }
        throw new ConfigException("environment variable " + variable + " goes below the value " + pathSoFar
                + ", which has no keys; did you mean " + PREFIX + pathSoFar.toUpperCase(Locale.ROOT)
                .replace('.', '_').replace("[", "_").replace("]", "") + "?");
    }

    private static int parseIndex(String text) {
        if (text.isEmpty() || text.length() > 6 || !text.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(text);
    }

    private static String example(JsonNode section, String variable) {
        JsonNode sample = section.isArray() && section.size() > 0 ? section.get(0) : section;
        String prefix = section.isArray() ? variable + "_0" : variable;
        if (sample.isObject() && sample.fieldNames().hasNext()) {
            return prefix + "_" + sample.fieldNames().next().toUpperCase(Locale.ROOT);
        }
        return prefix;
    }

    /** Converts the text of a variable to the JSON type of the value it replaces. */
    private static JsonNode typed(Slot slot, String value, String variable) {
        JsonNode current = slot.current;
        if (current.isIntegralNumber()) {
            try {
                // byte counts and byte rates are longs; everything else fits an int
                return current.isLong() ? LongNode.valueOf(Long.parseLong(value.trim())) : IntNode.valueOf(Integer.parseInt(value.trim()));
            } catch (NumberFormatException e) {
                throw new ConfigException("config error in environment variable " + variable + "=" + value + ": "
                        + slot.path + ": expected a whole number");
            }
        }
        if (current.isBoolean()) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new ConfigException("config error in environment variable " + variable + "=" + value + ": "
                        + slot.path + ": expected true or false");
            }
            return BooleanNode.valueOf(v.equals("true"));
        }
        return TextNode.valueOf(value);
    }

    /** Where one value lives in the tree: its parent object and key. */
    private record Slot(ObjectNode parent, String key, String path, JsonNode current) {
        void set(JsonNode value) {
            parent.set(key, value);
        }
    }
}
