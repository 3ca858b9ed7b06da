package dev.magpie.server.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Builds the Jackson mapper the config is read with, set up to be strict: unknown keys, duplicate keys,
 * trailing documents, floats for integers and quoted scalars of the wrong type are all errors, because a
 * config that is silently half-read is worse than one that does not start. Durations and paths are written as
 * the user wrote them ({@code 10s}, {@code ./data}) so a config can round-trip through a tree for
 * {@link EnvironmentOverrides}. A fresh mapper per loader: no shared mutable state.
 */
final class YamlMapping {

    private YamlMapping() {
    }

    static ObjectMapper newMapper() {
        SimpleModule formats = new SimpleModule("magpie-config-formats")
                .addDeserializer(Duration.class, new DurationDeserializer())
                .addSerializer(Duration.class, new DurationSerializer())
                .addDeserializer(Path.class, new PathDeserializer())
                .addSerializer(Path.class, new PathSerializer());
        return YAMLMapper.builder(new YAMLFactory())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .addModule(formats)
                .build();
    }

    private static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw JsonMappingException.from(p, "'" + p.getText() + "' is not a duration: add a unit, e.g. "
                        + DurationFormat.EXAMPLES);
            }
            try {
                return DurationFormat.parse(p.getText());
            } catch (IllegalArgumentException e) {
                throw JsonMappingException.from(p, e.getMessage());
            }
        }
    }

    private static final class DurationSerializer extends JsonSerializer<Duration> {
        @Override
        public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(DurationFormat.format(value));
        }
    }

    private static final class PathDeserializer extends JsonDeserializer<Path> {
        @Override
        public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING || p.getText().isBlank()) {
                throw JsonMappingException.from(p, "expected a directory path, e.g. ./data or /var/lib/magpie");
            }
            try {
                return Path.of(p.getText());
            } catch (InvalidPathException e) {
                throw JsonMappingException.from(p, "'" + p.getText() + "' is not a valid path: " + e.getReason());
            }
        }
    }

    private static final class PathSerializer extends JsonSerializer<Path> {
        @Override
        public void serialize(Path value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(value.toString());
        }
    }
}
