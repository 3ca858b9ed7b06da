package dev.magpie.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static dev.magpie.codec.DecoderHarness.client;
import static dev.magpie.codec.DecoderHarness.connected;
import static dev.magpie.codec.DecoderHarness.decode;
import static dev.magpie.codec.DecoderHarness.reject;
import static org.assertj.core.api.Assertions.assertThat;

/** What a server sends (CONNACK, SUBACK, UNSUBACK, PINGRESP) and the two-way DISCONNECT, AUTH, PINGREQ. */
class ServerPacketDecoderTest {

    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"V3_1", "V3_1_1"})
    void v3ConnAck(MqttVersion version) {
        ConnAck a = decode(client(version),
                0x20, 0x02,                      // CONNACK, remaining length 2
                0x00,                            // acknowledge flags: no session present
                0x04);                           // return code 4: bad user name or password
        assertThat(a).isEqualTo(new ConnAck(false, ReasonCode.BAD_USER_NAME_OR_PASSWORD, MqttProperties.EMPTY));
        ConnAck ok = decode(client(version), 0x20, 0x02, 0x01, 0x00); // session present, accepted
        // 3.1 has no Session Present: the byte is reserved there, so the bit is ignored (the encoder writes 0)
        assertThat(ok.sessionPresent()).isEqualTo(version != MqttVersion.V3_1);
        assertThat(ok.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
    }

    @Test
    void v5ConnAckWithProperties() {
        ConnAck a = decode(client(MqttVersion.V5),
                0x20, 0x14,                      // CONNACK, remaining length 20
                0x01,                            // acknowledge flags: session present
                0x00,                            // reason: success
                0x11,                            // property length 17
                0x24, 0x01,                      //   Maximum QoS 1
                0x25, 0x00,                      //   Retain Available 0
                0x12, 0x00, 0x02, 'i', 'd',      //   Assigned Client Identifier "id"
                0x13, 0x00, 0x1E,                //   Server Keep Alive 30
                0x27, 0x00, 0x01, 0x00, 0x00);   //   Maximum Packet Size 65536
        assertThat(a.sessionPresent()).isTrue();
        assertThat(a.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
        assertThat(a.properties().integer(PropertyId.MAXIMUM_QOS, -1)).isEqualTo(1);
        assertThat(a.properties().integer(PropertyId.RETAIN_AVAILABLE, -1)).isZero();
        assertThat(a.properties().string(PropertyId.ASSIGNED_CLIENT_IDENTIFIER)).contains("id");
        assertThat(a.properties().integer(PropertyId.SERVER_KEEP_ALIVE, -1)).isEqualTo(30);
        assertThat(a.properties().unsignedInt(PropertyId.MAXIMUM_PACKET_SIZE, -1)).isEqualTo(65_536);
    }

    @Test
    void connAckRules() {
        // reserved acknowledge flag bits [MQTT-3.2.2-1]
        reject(client(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, 0x20, 0x02, 0x02, 0x00);
        // undefined 3.1.1 return code
        reject(client(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, 0x20, 0x02, 0x00, 0x06);
        // session present with a failure [MQTT-3.2.2-6]
        reject(client(MqttVersion.V5), ReasonCode.PROTOCOL_ERROR, 0x20, 0x03, 0x01, 0x87, 0x00);
        // undefined 5.0 reason code for CONNACK
        reject(client(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x20, 0x03, 0x00, 0x10, 0x00);
        // Maximum QoS 2 is not a value it may take
        reject(client(MqttVersion.V5), ReasonCode.PROTOCOL_ERROR, 0x20, 0x05, 0x00, 0x00, 0x02, 0x24, 0x02);
        // Topic Alias is not a CONNACK property: a Malformed Packet (section 2.2.2.2)
        reject(client(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x20, 0x06, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01);
        // 3.1.1 with a trailing byte
        reject(client(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, 0x20, 0x03, 0x00, 0x00, 0x00);
    }

    @Test
    void v311SubAck() {
        SubAck a = decode(client(MqttVersion.V3_1_1),
                0x90, 0x05,                      // SUBACK, remaining length 5
                0x00, 0x01,                      // packet id 1
                0x00, 0x02, 0x80);               // granted QoS 0, granted QoS 2, failure
        assertThat(a).isEqualTo(new SubAck(1, List.of(0, 2, 0x80), MqttProperties.EMPTY));
        reject(client(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, 0x90, 0x03, 0x00, 0x01, 0x03); // code 3 [MQTT-3.9.3-2]
        reject(client(MqttVersion.V3_1_1), ReasonCode.PROTOCOL_ERROR, 0x90, 0x02, 0x00, 0x01);       // no code
    }

    @Test
    void v5SubAck() {
        SubAck a = decode(client(MqttVersion.V5),
                0x90, 0x0A,                      // SUBACK, remaining length 10
                0x00, 0x02,                      // packet id 2
                0x05,                            // property length 5
                0x1F, 0x00, 0x02, 'n', 'o',      //   Reason String "no"
                0x01, 0x8F);                     // granted QoS 1, topic filter invalid
        assertThat(a.reasonCodes()).containsExactly(1, ReasonCode.TOPIC_FILTER_INVALID);
        assertThat(a.properties().string(PropertyId.REASON_STRING)).contains("no");
        reject(client(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x90, 0x04, 0x00, 0x01, 0x00, 0x10); // 0x10 not a SUBACK code
    }

    @Test
    void unsubAck() {
        UnsubAck v3 = decode(client(MqttVersion.V3_1_1),
                0xB0, 0x02,                      // UNSUBACK, remaining length 2
                0x00, 0x03);                     // packet id 3, no payload in 3.1.1
        assertThat(v3).isEqualTo(new UnsubAck(3, List.of(), MqttProperties.EMPTY));
        reject(client(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, 0xB0, 0x03, 0x00, 0x03, 0x00);
        UnsubAck v5 = decode(client(MqttVersion.V5),
                0xB0, 0x05,                      // UNSUBACK, remaining length 5
                0x00, 0x03,                      // packet id 3
                0x00,                            // property length 0
                0x00, 0x11);                     // success, no subscription existed
        assertThat(v5.reasonCodes()).containsExactly(0, ReasonCode.NO_SUBSCRIPTION_EXISTED);
        reject(client(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0xB0, 0x04, 0x00, 0x03, 0x00, 0x01); // 0x01 not an UNSUBACK code
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void pings(MqttVersion version) {
        assertThat(DecoderHarness.<MqttPacket>decode(client(version), 0xD0, 0x00)).isSameAs(PingResp.INSTANCE);
        assertThat(DecoderHarness.<MqttPacket>decode(connected(version), 0xC0, 0x00)).isSameAs(PingReq.INSTANCE);
        reject(client(version), ReasonCode.MALFORMED_PACKET, 0xD0, 0x01, 0x00);
        reject(connected(version), ReasonCode.MALFORMED_PACKET, 0xC0, 0x01, 0x00);
    }

    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"V3_1", "V3_1_1"})
    void v3Disconnect(MqttVersion version) {
        assertThat(DecoderHarness.<MqttPacket>decode(connected(version), 0xE0, 0x00)).isEqualTo(Disconnect.NORMAL);
        reject(connected(version), ReasonCode.MALFORMED_PACKET, 0xE0, 0x01, 0x00);
    }

    @Test
    void v5Disconnect() {
        assertThat(DecoderHarness.<MqttPacket>decode(connected(MqttVersion.V5), 0xE0, 0x00)).isEqualTo(Disconnect.NORMAL); // remaining length 0: reason 0
        Disconnect will = decode(connected(MqttVersion.V5),
                0xE0, 0x01,                      // DISCONNECT, remaining length 1
                0x04);                           // disconnect with will message, no properties
        assertThat(will).isEqualTo(new Disconnect(ReasonCode.DISCONNECT_WITH_WILL, MqttProperties.EMPTY));
        Disconnect withExpiry = decode(connected(MqttVersion.V5),
                0xE0, 0x07,                      // DISCONNECT, remaining length 7
                0x00,                            // normal disconnection
                0x05,                            // property length 5
                0x11, 0x00, 0x00, 0x00, 0x00);   //   Session Expiry Interval 0
        assertThat(withExpiry.properties().integer(PropertyId.SESSION_EXPIRY_INTERVAL, -1)).isZero();
        Disconnect fromServer = decode(client(MqttVersion.V5),
                0xE0, 0x08,                      // DISCONNECT, remaining length 8
                0x9C,                            // use another server
                0x06,                            // property length 6
                0x1C, 0x00, 0x03, 'h', ':', '1'); //  Server Reference "h:1"
        assertThat(fromServer.properties().string(PropertyId.SERVER_REFERENCE)).contains("h:1");
    }

    @Test
    void v5DisconnectRules() {
        // reason 0x05 is not a DISCONNECT code
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0xE0, 0x01, 0x05);
        // a server must not send a Session Expiry Interval [MQTT-3.14.2-2]
        reject(client(MqttVersion.V5), ReasonCode.PROTOCOL_ERROR, 0xE0, 0x07, 0x00, 0x05, 0x11, 0, 0, 0, 0);
        // Topic Alias is not a DISCONNECT property: a Malformed Packet (section 2.2.2.2)
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0xE0, 0x05, 0x00, 0x03, 0x23, 0x00, 0x01);
    }

    @Test
    void v5Auth() {
        assertThat(DecoderHarness.<MqttPacket>decode(connected(MqttVersion.V5), 0xF0, 0x00)).isEqualTo(new Auth(0, MqttProperties.EMPTY));
        Auth a = decode(client(MqttVersion.V5),
                0xF0, 0x0A,                      // AUTH, remaining length 10
                0x18,                            // continue authentication
                0x08,                            // property length 8
                0x15, 0x00, 0x01, 'm',           //   Authentication Method "m"
                0x16, 0x00, 0x01, 0x2A);         //   Authentication Data {42}
        assertThat(a.reasonCode()).isEqualTo(ReasonCode.CONTINUE_AUTHENTICATION);
        assertThat(a.properties().string(PropertyId.AUTHENTICATION_METHOD)).contains("m");
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0xF0, 0x01, 0x01);          // 0x01 not an AUTH code
        reject(connected(MqttVersion.V5), ReasonCode.PROTOCOL_ERROR, 0xF0, 0x06, 0x18, 0x04, 0x16, 0x00, 0x01, 0x2A); // data without method
    }
}
