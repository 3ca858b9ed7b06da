package dev.magpie.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Optional;

/**
 * Finds the line and column where a key is written in YAML text. Jackson reports the position it had reached
 * when it noticed a problem, which for YAML is often the line after the key, and for a value rejected by a
 * record's validation is the end of the whole section; pointing the user at the key itself is worth a second,
 * cheap pass over a small file.
 */
final class KeyLocator {

    private KeyLocator() {
    }

    /**
     * The position of {@code keyPath} (e.g. {@code listeners[0].port}) in {@code yaml}, or empty if the text does
     * not spell that key out (a default) or cannot be scanned.
     */
    static Optional<JsonLocation> locate(ObjectMapper mapper, String yaml, String keyPath) {
        if (keyPath.isEmpty()) {
            return Optional.empty();
        }
        String wanted = "/" + keyPath.replace("]", "").replace('[', '/').replace('.', '/');
        try (JsonParser p = mapper.getFactory().createParser(yaml)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME && p.getParsingContext().pathAsPointer().toString().equals(wanted)) {
                    return Optional.of(p.currentTokenLocation());
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
