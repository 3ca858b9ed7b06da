package dev.magpie.observe.webhook;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Renders an {@link Occurrence} as the JSON body of a webhook request, with Jackson's streaming generator (no tree, one
 * buffer). Shape, for every event: {@code id}, {@code event}, {@code time} (ISO-8601 UTC) and {@code client}
 * ({@code clientid}, {@code username} when there is one, {@code remote_address}, {@code remote_port}, {@code listener},
 * {@code protocol_level}; the keys of the HTTP authentication provider's request). Then, by event: {@code reason}
 * (disconnected, dropped); {@code filter} and {@code qos} (subscribed); {@code filter} (unsubscribed); {@code topic},
 * {@code qos}, {@code retain}, {@code payload}, {@code payload_encoding} ({@code utf-8} when the payload is valid UTF-8,
 * else {@code base64}) and {@code payload_bytes} (message events).
 *
 * <p>Never in a body: passwords (the broker's listener calls do not carry them) and the attributes authenticators
 * attached to a client (they may hold tokens or ACL grants).
 */
final class EventJson {
    private final JsonFactory factory = new JsonFactory();

    /** The body for {@code o}, with {@code id} as its event id. */
    byte[] render(Occurrence o, String id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + (o.message() == null ? 0 : o.message().payload().length * 4 / 3));
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("event", o.event().wireName());
            g.writeStringField("time", Instant.ofEpochMilli(o.epochMillis()).toString());
            client(g, o.client());
            if (o.filter() != null) {
                g.writeStringField("filter", o.filter());
                if (o.event() == WebhookEvent.CLIENT_SUBSCRIBED) {
                    g.writeNumberField("qos", o.qos());
                }
            }
            if (o.message() != null) {
                message(g, o.message());
            }
            if (o.reason() != null) {
                g.writeStringField("reason", o.reason());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    private static void client(JsonGenerator g, ClientInfo c) throws IOException {
        g.writeObjectFieldStart("client");
        g.writeStringField("clientid", c.clientId());
        if (c.username() != null) {
            g.writeStringField("username", c.username());
        }
        if (c.remoteAddress() != null) {
            g.writeStringField("remote_address", c.remoteAddress().getAddress() != null
                    ? c.remoteAddress().getAddress().getHostAddress() : c.remoteAddress().getHostString());
            g.writeNumberField("remote_port", c.remoteAddress().getPort());
        }
        g.writeStringField("listener", c.listener());
        g.writeNumberField("protocol_level", c.protocolLevel());
        g.writeEndObject();
    }

    private static void message(JsonGenerator g, Message m) throws IOException {
        g.writeStringField("topic", m.topic());
        g.writeNumberField("qos", m.qos());
        g.writeBooleanField("retain", m.retain());
        String text = utf8(m.payload());
        if (text != null) {
            g.writeStringField("payload", text);
            g.writeStringField("payload_encoding", "utf-8");
        } else {
            g.writeStringField("payload", Base64.getEncoder().encodeToString(m.payload()));
            g.writeStringField("payload_encoding", "base64");
        }
        g.writeNumberField("payload_bytes", m.payload().length);
    }

    /** The payload as text if it is valid UTF-8 (strictly: no replacement characters), else null. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
