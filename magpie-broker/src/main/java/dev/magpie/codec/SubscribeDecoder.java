package dev.magpie.codec;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes SUBSCRIBE and UNSUBSCRIBE.
 *
 * <p>A filter that is well-formed UTF-8 but breaks the topic filter syntax (say {@code a/b#}) is kept
 * in the record, not rejected: the spec lets the server answer such a filter alone with SUBACK 0x8F
 * (5.0) or 0x80 (3.1.1) while accepting the others, so the protocol layer calls
 * {@link TopicSyntax#isValidTopicFilter} per filter. Only wire-level faults (bad UTF-8, reserved option
 * bits, QoS 3, no filter at all) fail the whole packet here.
 */
final class SubscribeDecoder {
    private SubscribeDecoder() {
    }

    static Subscribe subscribe(ByteBuf body, MqttVersion version) {
        int packetId = WireReader.readPacketId(body, PacketType.SUBSCRIBE);
        MqttProperties properties = version.isV5()
                ? PropertiesReader.read(body, PacketType.SUBSCRIBE.code(), false) : MqttProperties.EMPTY;
        if (!body.isReadable()) {
            throw new MalformedPacketException(ReasonCode.PROTOCOL_ERROR,
                    "SUBSCRIBE has no topic filter; it needs at least one [MQTT-3.8.3-3]");
        }
        List<Subscribe.Subscription> subscriptions = new ArrayList<>();
        while (body.isReadable()) {
            String filter = WireReader.readString(body, "SUBSCRIBE topic filter");
            int options = WireReader.readByte(body, "SUBSCRIBE options of '" + filter + "'");
            subscriptions.add(version.isV5() ? v5Options(filter, options) : v3Options(filter, options));
        }
        return new Subscribe(packetId, subscriptions, properties);
    }

    private static Subscribe.Subscription v3Options(String filter, int options) {
        if ((options & 0xFC) != 0) {
            throw WireReader.malformed("SUBSCRIBE options of '" + filter + "' set reserved bits 2-7 [MQTT-3-8.3-4]");
        }
        if (options == 3) {
            throw WireReader.malformed("SUBSCRIBE requests QoS 3 for '" + filter + "' [MQTT-3-8.3-4]");
        }
        return Subscribe.Subscription.of(filter, options);
    }

    private static Subscribe.Subscription v5Options(String filter, int options) {
        if ((options & 0xC0) != 0) {
            throw WireReader.malformed("SUBSCRIBE options of '" + filter + "' set reserved bits 6-7 [MQTT-3.8.3-5]");
        }
        int qos = options & 0x03;
        if (qos == 3) {
            throw WireReader.malformed("SUBSCRIBE requests QoS 3 for '" + filter + "' [MQTT-3-8.3-4]");
        }
        boolean noLocal = (options & 0x04) != 0;
        int retainHandling = (options >> 4) & 0x03;
        if (retainHandling == 3) {
            throw new MalformedPacketException(ReasonCode.PROTOCOL_ERROR,
                    "SUBSCRIBE asks Retain Handling 3 for '" + filter + "'; only 0, 1 and 2 exist");
        }
        if (noLocal && TopicSyntax.isShared(filter)) {
            throw new MalformedPacketException(ReasonCode.PROTOCOL_ERROR,
                    "SUBSCRIBE sets No Local on the shared subscription '" + filter + "' [MQTT-3.8.3-4]");
        }
        return new Subscribe.Subscription(filter, qos, noLocal, (options & 0x08) != 0, retainHandling);
    }

    static Unsubscribe unsubscribe(ByteBuf body, MqttVersion version) {
        int packetId = WireReader.readPacketId(body, PacketType.UNSUBSCRIBE);
        MqttProperties properties = version.isV5()
                ? PropertiesReader.read(body, PacketType.UNSUBSCRIBE.code(), false) : MqttProperties.EMPTY;
        if (!body.isReadable()) {
            throw new MalformedPacketException(ReasonCode.PROTOCOL_ERROR,
                    "UNSUBSCRIBE has no topic filter; it needs at least one [MQTT-3.10.3-2]");
        }
        List<String> filters = new ArrayList<>();
        while (body.isReadable()) {
            filters.add(WireReader.readString(body, "UNSUBSCRIBE topic filter"));
        }
        return new Unsubscribe(packetId, filters, properties);
    }
}
