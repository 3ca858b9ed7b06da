package dev.magpie.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Rewrites Jackson's exceptions, which describe Java types ({@code Cannot deserialize value of type
 * java.lang.Integer...}), into one line in the terms of the YAML file: where, which key, what is expected.
 */
final class ConfigErrors {

    private static final Map<String, String> EXPECTED = Map.of(
            "java.lang.Integer", "a whole number",
            "int", "a whole number",
            "java.lang.Boolean", "true or false",
            "boolean", "true or false",
            "java.lang.String", "text");

    private ConfigErrors() {
    }

    /**
     * One problem in config terms.
     *
     * @param keyPath the key it is about ({@code listeners[0].port}), empty for the document as a whole
     * @param reason  what is wrong and what is expected, without the location
     */
    record Problem(String keyPath, String reason) {
    }

    /** "line 7, column 3", or empty when there is no location (a tree, not a file). */
    static String where(JsonLocation at) {
        if (at == null || at.getLineNr() < 1) {
            return "";
        }
        return "line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /** Translates a Jackson failure: which key, and what is wrong with it. */
    static Problem describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            String parent = path(unknown.getPath().subList(0, unknown.getPath().size() - 1));
            String key = join(parent, unknown.getPropertyName());
            return new Problem(key, "unknown key '" + key + "'" + knownKeys(parent, unknown.getKnownPropertyIds()));
        }
        String path = e instanceof JsonMappingException mapping ? path(mapping.getPath()) : "";
        String prefix = path.isEmpty() ? "" : path + ": ";
        IllegalArgumentException invalid = findCause(e, IllegalArgumentException.class);
        if (invalid != null) {
            String message = String.valueOf(invalid.getMessage());
            String firstWord = message.split(" ", 2)[0];
            boolean namesOwnKey = e instanceof ValueInstantiationException vie && vie.getType() != null
                    && vie.getType().isRecordType() && firstWord.matches("[a-z][a-z0-9_]*");
            if (namesOwnKey) {
                return new Problem(join(path, firstWord), path.isEmpty() ? message : path + "." + message);
            }
            return new Problem(path, prefix + message);
        }
        String original = String.valueOf(e.getOriginalMessage());
        if (original.startsWith("Trailing token")) {
            return new Problem("", "a config file holds one YAML document; remove the extra '---' and what follows it");
        }
        if (original.startsWith("Duplicate field")) {
            return new Problem("", "key " + original.substring("Duplicate field ".length()) + " is written twice"
                    + (path.isEmpty() ? "" : " in " + path));
        }
        if (!(e instanceof JsonMappingException)) {
            return new Problem("", "YAML syntax error: " + yamlSyntaxReason(original));
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            String expected = EXPECTED.get(mismatch.getTargetType().getName());
            if (expected == null) {
                expected = mismatch.getTargetType().isRecord() ? "a mapping of keys" : "a list (entries starting with '- ')";
            }
            return new Problem(path, prefix + "expected " + expected);
        }
        return new Problem(path, prefix + original);
    }

    /**
     * SnakeYAML's messages span several lines with the offending text and a caret; keep the sentences (the
     * position is reported separately).
     */
    private static String yamlSyntaxReason(String message) {
        return message.lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .collect(Collectors.joining(": "));
    }

    private static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    private static String knownKeys(String parent, Collection<Object> known) {
        if (known == null || known.isEmpty()) {
            return "";
        }
        String keys = known.stream().map(Objects::toString).sorted().collect(Collectors.joining(", "));
        return " (" + (parent.isEmpty() ? "top-level keys" : "keys of " + parent) + ": " + keys + ")";
    }

    /** {@code listeners[0].port} from Jackson's reference chain. */
    static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : refs) {
            if (ref.getFieldName() != null) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
