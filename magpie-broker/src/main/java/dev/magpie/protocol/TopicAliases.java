package dev.magpie.protocol;

import dev.magpie.codec.Publish;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;

import java.util.HashMap;
import java.util.Map;

/**
 * MQTT 5 topic aliases of one connection, in both directions (aliases never outlive a connection
 * [MQTT-3.3.2-7]).
 *
 * <p>Inbound (client → broker, on the connection's event loop): a PUBLISH with a topic and an alias sets the
 * alias; one with an empty topic uses it. An alias of 0 or above the Topic Alias Maximum the broker
 * advertised is answered with DISCONNECT 0x94 [MQTT-3.3.2-9], an alias that was never set with 0x82 (spec 3.3.4).
 *
 * <p>Outbound (broker → client, on the session's thread, the only thread that sends PUBLISH on this
 * connection): while there are free aliases below the client's Topic Alias Maximum, each new topic gets the
 * next one and is sent once in full; later messages on it go with an empty topic, never above that maximum
 * [MQTT-3.1.2-26] and never to a client that set none [MQTT-3.1.2-27]. Aliases are
 * not reassigned, which keeps the choice simple and the client's table stable.
 */
final class TopicAliases {
    private final int inboundMaximum;
    private final int outboundMaximum;
    /**
     * Topics by inbound alias, and aliases by outbound topic: both made at their first use, since most clients use
     * no aliases and every connection counts (an eager table for the default maximum of 64 was 280 bytes each).
     */
    private String[] inbound;
    private Map<String, Integer> outbound;

    TopicAliases(int inboundMaximum, int outboundMaximum) {
        this.inboundMaximum = inboundMaximum;
        this.outboundMaximum = outboundMaximum;
    }

    boolean rewritesOutbound() {
        return outboundMaximum > 0;
    }

    /** The PUBLISH with its topic resolved and the alias property removed, or null after a protocol violation. */
    Publish resolve(Publish publish, MqttConnection connection) {
        if (!publish.properties().has(PropertyId.TOPIC_ALIAS)) {
            return publish;
        }
        int alias = publish.properties().integer(PropertyId.TOPIC_ALIAS, 0);
        if (alias == 0 || alias > inboundMaximum) {
            connection.protocolViolation(ReasonCode.TOPIC_ALIAS_INVALID, "topic alias " + alias + " outside 1.." + inboundMaximum);
            return null;
        }
        String topic = publish.topic();
        if (topic.isEmpty()) {
            topic = inbound == null ? null : inbound[alias];
            if (topic == null) {
                connection.protocolViolation(ReasonCode.PROTOCOL_ERROR, "topic alias " + alias + " used before it was set");
                return null;
            }
        } else {
            if (inbound == null) {
                inbound = new String[inboundMaximum + 1];
            }
            inbound[alias] = topic;
        }
        return new Publish(topic, publish.qos(), publish.retain(), publish.dup(), publish.packetId(), publish.payload(),
                publish.properties().toBuilder().remove(PropertyId.TOPIC_ALIAS).build());
    }

    /** The PUBLISH as it goes on the wire to this client: with an alias where one is (or can be) assigned. */
    Publish applyOutbound(Publish publish) {
        if (outboundMaximum == 0) {
            return publish;
        }
        if (outbound == null) {
            outbound = new HashMap<>();
        }
        Integer alias = outbound.get(publish.topic());
        String topic = "";
        if (alias == null) {
            if (outbound.size() >= outboundMaximum) {
                return publish;
            }
            alias = outbound.size() + 1;
            outbound.put(publish.topic(), alias);
            topic = publish.topic();
        }
        return new Publish(topic, publish.qos(), publish.retain(), publish.dup(), publish.packetId(), publish.payload(),
                publish.properties().toBuilder().integer(PropertyId.TOPIC_ALIAS, alias).build());
    }
}
