package dev.magpie.observe.sys;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.magpie.codec.TopicSyntax;
import dev.magpie.spi.BrokerListener;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The optional per-client event topics: {@code $SYS/broker/clients/<client id>/connected} when a client is accepted and
 * {@code …/disconnected} when its connection closes, each a JSON object (QoS 0, not retained):
 *
 * <pre>{@code
 * {"clientid":"sensor-7","username":"alice","remote_address":"192.0.2.4","remote_port":51234,"listener":"tcp",
 *  "protocol":"MQTT 5.0","protocol_level":5,"time":"2026-12-02T08:00:00Z","reason":"client disconnected"}
 * }</pre>
 *
 * ({@code username} only when the client gave one, {@code reason} only on disconnect.) mosquitto has no such topics;
 * the shape follows our webhooks' client object, so one parser reads both. A client id that cannot be part of a topic
 * name (it holds {@code +} or {@code #}) gets no event topic. Off by default: each event is a publish through the
 * routing, and registering any event listener makes the broker build event objects for every message.
 *
 * <p>A {@link BrokerListener}, called on the client's event loop; publishing through {@code publisher} happens there.
 */
public final class SysClientEvents implements BrokerListener {
    private static final Logger LOG = LoggerFactory.getLogger(SysClientEvents.class);
    private static final String CLIENTS = SysTopics.BROKER + "clients/";

    private final JsonFactory json = new JsonFactory();
    private final Clock clock;
    private volatile Consumer<Message> publisher;

    public SysClientEvents(Clock clock) {
        this.clock = clock;
    }

    /** Where the events go (the broker's own publish); events before this is set are not published. */
    public void publishTo(Consumer<Message> target) {
        this.publisher = target;
    }

    @Override
    public void clientConnected(ClientInfo client) {
        publish(client, "connected", null);
    }

    @Override
    public void clientDisconnected(ClientInfo client, String reason) {
        publish(client, "disconnected", reason);
    }

    private void publish(ClientInfo client, String event, String reason) {
        Consumer<Message> target = publisher;
        if (target == null || client.isServer()) {
            return;
        }
        String topic = CLIENTS + client.clientId() + "/" + event;
        if (!TopicSyntax.isValidTopicName(topic)) {
            LOG.debug("no {} event topic for a client id that cannot be part of a topic name", event);
            return;
        }
        target.accept(new Message(topic, body(client, reason), 0, false));
    }

    byte[] body(ClientInfo c, String reason) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = json.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
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
            g.writeStringField("protocol", protocol(c.protocolLevel()));
            g.writeNumberField("protocol_level", c.protocolLevel());
            g.writeStringField("time", clock.instant().toString());
            if (reason != null) {
                g.writeStringField("reason", reason);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    private static String protocol(int level) {
        return switch (level) {
            case 3 -> "MQTT 3.1";
            case 4 -> "MQTT 3.1.1";
            case 5 -> "MQTT 5.0";
            default -> "MQTT level " + level;
        };
    }
}
