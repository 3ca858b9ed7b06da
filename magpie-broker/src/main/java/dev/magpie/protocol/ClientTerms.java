package dev.magpie.protocol;

import dev.magpie.BrokerCapabilities;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;

/**
 * What a client's CONNECT fixed for its connection and what the broker sends it must respect: the protocol
 * version, its Maximum Packet Size [MQTT-3.1.2-24] and Receive Maximum [MQTT-3.3.4-9], whether it wants Reason
 * Strings (Request Problem Information), the topic aliases both ways, and whether the CONNECT's Session Expiry
 * Interval was 0 (a DISCONNECT may not raise it [MQTT-3.14.2-2]). Replaced as a whole, once, when the CONNECT is read.
 */
record ClientTerms(MqttVersion version, int maxPacketSize, int receiveMaximum, boolean problemInformation,
                   TopicAliases aliases, boolean connectExpiryZero) {

    /** Until a CONNECT says otherwise: 3.1.1 framing, no limits, no aliases. */
    static ClientTerms beforeConnect() {
        return new ClientTerms(MqttVersion.V3_1_1, Integer.MAX_VALUE, 65_535, true, new TopicAliases(0, 0), true);
    }

    /** What {@code connect} asks for, with the topic aliases the broker {@code offered} (5.0 only). */
    static ClientTerms of(Connect connect, BrokerCapabilities offered) {
        MqttVersion version = connect.version();
        MqttProperties props = connect.properties();
        return new ClientTerms(version,
                (int) Math.min(Integer.MAX_VALUE, props.unsignedInt(PropertyId.MAXIMUM_PACKET_SIZE, Integer.MAX_VALUE)),
                props.integer(PropertyId.RECEIVE_MAXIMUM, 65_535),
                props.integer(PropertyId.REQUEST_PROBLEM_INFORMATION, 1) == 1,
                new TopicAliases(version.isV5() ? offered.topicAliasMaximum() : 0,
                        version.isV5() ? props.integer(PropertyId.TOPIC_ALIAS_MAXIMUM, 0) : 0),
                props.unsignedInt(PropertyId.SESSION_EXPIRY_INTERVAL, 0) == 0);
    }
}
