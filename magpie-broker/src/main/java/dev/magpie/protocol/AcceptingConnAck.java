package dev.magpie.protocol;

import dev.magpie.BrokerCapabilities;
import dev.magpie.BrokerSettings;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PropertyId;
import dev.magpie.spi.ClientInfo;

/**
 * What the accepting CONNACK tells a 5.0 client, and the keep-alive the connection then runs with. Decided before
 * any session is touched, so that a CONNACK too large for the client's Maximum Packet Size refuses the client
 * with every session as it was [MQTT-3.1.2-24]. Session Present is a flag, not a property: it does not change the
 * size.
 *
 * @param properties the CONNACK's properties (empty for 3.1/3.1.1)
 * @param keepAlive  the client's keep-alive, or the Server Keep Alive that replaces it
 */
record AcceptingConnAck(MqttProperties properties, int keepAlive) {

    /**
     * @param expiry         the session expiry the broker grants
     * @param assigned       whether the broker made up the client id
     * @param authProperties Authentication Method and Data after an AUTH exchange, else empty
     */
    static AcceptingConnAck of(BrokerSettings settings, BrokerCapabilities offered, Connect connect, ClientInfo info, long expiry, boolean assigned,
                               MqttProperties authProperties) {
        int keepAlive = connect.keepAliveSeconds();
        if (!connect.version().isV5()) {
            return new AcceptingConnAck(MqttProperties.EMPTY, keepAlive);
        }
        MqttProperties.Builder props = MqttProperties.builder();
        if (assigned) {
            props.string(PropertyId.ASSIGNED_CLIENT_IDENTIFIER, info.clientId());
        }
        int maxKeepAlive = settings.maxKeepAlive();
        if (keepAlive > maxKeepAlive || (keepAlive == 0 && maxKeepAlive < 65_535)) {
            keepAlive = maxKeepAlive;
            props.integer(PropertyId.SERVER_KEEP_ALIVE, keepAlive);
        }
        if (connect.properties().unsignedInt(PropertyId.SESSION_EXPIRY_INTERVAL, 0) != expiry) {
            props.integer(PropertyId.SESSION_EXPIRY_INTERVAL, (int) expiry);
        }
        props.integer(PropertyId.RECEIVE_MAXIMUM, settings.receiveMaximum());
        props.integer(PropertyId.MAXIMUM_PACKET_SIZE, settings.maxPacketSize());
        // advertise exactly what is offered; absent properties mean "available" [MQTT-3.2.2.3]
        if (offered.maximumQos() < 2) {
            props.integer(PropertyId.MAXIMUM_QOS, offered.maximumQos());
        }
        if (!offered.retainAvailable()) {
            props.integer(PropertyId.RETAIN_AVAILABLE, 0);
        }
        if (!offered.wildcardSubscriptions()) {
            props.integer(PropertyId.WILDCARD_SUBSCRIPTION_AVAILABLE, 0);
        }
        if (!offered.subscriptionIdentifiers()) {
            props.integer(PropertyId.SUBSCRIPTION_IDENTIFIER_AVAILABLE, 0);
        }
        if (!offered.sharedSubscriptions()) {
            props.integer(PropertyId.SHARED_SUBSCRIPTION_AVAILABLE, 0);
        }
        if (offered.topicAliasMaximum() > 0) {
            props.integer(PropertyId.TOPIC_ALIAS_MAXIMUM, offered.topicAliasMaximum());
        }
        authProperties.string(PropertyId.AUTHENTICATION_METHOD).ifPresent(m -> props.string(PropertyId.AUTHENTICATION_METHOD, m));
        authProperties.binary(PropertyId.AUTHENTICATION_DATA).ifPresent(d -> props.binary(PropertyId.AUTHENTICATION_DATA, d));
        if (connect.properties().integer(PropertyId.REQUEST_RESPONSE_INFORMATION, 0) == 1 && !offered.responseInformation().isEmpty()) {
            props.string(PropertyId.RESPONSE_INFORMATION, offered.responseInformation() + info.clientId());
        }
        return new AcceptingConnAck(props.build(), keepAlive);
    }

    AcceptingConnAck withProperties(MqttProperties fitted) {
        return new AcceptingConnAck(fitted, keepAlive);
    }
}
