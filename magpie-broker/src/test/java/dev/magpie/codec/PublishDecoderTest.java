package dev.magpie.codec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static dev.magpie.codec.DecoderHarness.client;
import static dev.magpie.codec.DecoderHarness.connected;
import static dev.magpie.codec.DecoderHarness.decode;
import static dev.magpie.codec.DecoderHarness.reject;
import static org.assertj.core.api.Assertions.assertThat;

/** PUBLISH and PUBACK/PUBREC/PUBREL/PUBCOMP in 3.1, 3.1.1 and 5.0. */
class PublishDecoderTest {

    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"V3_1", "V3_1_1"})
    void v3Qos0(MqttVersion version) {
        Publish p = decode(connected(version),
                0x31, 0x08,                  // PUBLISH, QoS 0, retain; remaining length 8
                0x00, 0x03, 'a', '/', 'b',   // topic "a/b"
                'h', 'i', '!');              // payload "hi!"
        assertThat(p.topic()).isEqualTo("a/b");
        assertThat(p.qos()).isZero();
        assertThat(p.retain()).isTrue();
        assertThat(p.dup()).isFalse();
        assertThat(p.packetId()).isZero();
        assertThat(p.payload()).containsExactly('h', 'i', '!');
        assertThat(p.properties()).isSameAs(MqttProperties.EMPTY);
    }

    @Test
    void v311Qos2DupWithEmptyPayload() {
        Publish p = decode(connected(MqttVersion.V3_1_1),
                0x3C, 0x05,                  // PUBLISH, DUP, QoS 2; remaining length 5
                0x00, 0x01, 't',             // topic "t"
                0x12, 0x34);                 // packet id 0x1234; no payload
        assertThat(p.qos()).isEqualTo(2);
        assertThat(p.dup()).isTrue();
        assertThat(p.packetId()).isEqualTo(0x1234);
        assertThat(p.payload()).isEmpty();
    }

    @Test
    void v5Qos1WithProperties() {
        Publish p = decode(connected(MqttVersion.V5),
                0x32, 0x1B,                         // PUBLISH, QoS 1; remaining length 27
                0x00, 0x01, 't',                    // topic "t"
                0x00, 0x0A,                         // packet id 10
                0x13,                               // property length 19
                0x01, 0x01,                         //   Payload Format Indicator 1 (UTF-8)
                0x02, 0x00, 0x00, 0x00, 0x3C,       //   Message Expiry Interval 60
                0x03, 0x00, 0x01, 'j',              //   Content Type "j"
                0x08, 0x00, 0x01, 'r',              //   Response Topic "r"
                0x09, 0x00, 0x01, 0x07,             //   Correlation Data {7}
                'x', 'y');                          // payload "xy"
        assertThat(p.packetId()).isEqualTo(10);
        assertThat(p.properties().integer(PropertyId.PAYLOAD_FORMAT_INDICATOR, -1)).isEqualTo(1);
        assertThat(p.properties().integer(PropertyId.MESSAGE_EXPIRY_INTERVAL, -1)).isEqualTo(60);
        assertThat(p.properties().string(PropertyId.CONTENT_TYPE)).contains("j");
        assertThat(p.properties().string(PropertyId.RESPONSE_TOPIC)).contains("r");
        assertThat(p.properties().binary(PropertyId.CORRELATION_DATA)).hasValueSatisfying(b -> assertThat(b).containsExactly(7));
        assertThat(p.payload()).containsExactly('x', 'y');
    }

    @Test
    void v5EmptyTopicWithTopicAlias_MQTT_3_3_2_8() {
        Publish p = decode(connected(MqttVersion.V5),
                0x30, 0x06,                  // PUBLISH, QoS 0; remaining length 6
                0x00, 0x00,                  // topic "" (use the alias)
                0x03, 0x23, 0x00, 0x05);     // property length 3: Topic Alias 5
        assertThat(p.topic()).isEmpty();
        assertThat(p.properties().integer(PropertyId.TOPIC_ALIAS, -1)).isEqualTo(5);
    }

    @Test
    void serverToClientPublishMayCarrySeveralSubscriptionIdentifiers() {
        Publish p = decode(client(MqttVersion.V5),
                0x30, 0x0A,                  // PUBLISH, QoS 0; remaining length 10
                0x00, 0x01, 't',             // topic "t"
                0x05,                        // property length 5
                0x0B, 0x01,                  //   Subscription Identifier 1
                0x0B, 0x80, 0x01,            //   Subscription Identifier 128
                'z');                        // payload
        assertThat(p.properties().subscriptionIdentifiers()).containsExactly(1, 128);
    }

    @Test
    void clientToServerPublishMustNotCarryASubscriptionIdentifier_MQTT_3_3_4_6() {
        reject(connected(MqttVersion.V5), ReasonCode.PROTOCOL_ERROR, 0x30, 0x06, 0x00, 0x01, 't', 0x02, 0x0B, 0x01);
    }

    @Test
    void topicNameRules_MQTT_3_3_2_2_and_MQTT_4_7_3_1() {
        reject(connected(MqttVersion.V3_1_1), ReasonCode.TOPIC_NAME_INVALID, 0x30, 0x04, 0x00, 0x01, '+', 'x');
        reject(connected(MqttVersion.V3_1_1), ReasonCode.TOPIC_NAME_INVALID, 0x30, 0x05, 0x00, 0x02, 'a', '#', 'x');
        reject(connected(MqttVersion.V3_1_1), ReasonCode.TOPIC_NAME_INVALID, 0x30, 0x03, 0x00, 0x00, 'x');
        // 5.0 without a Topic Alias: the empty topic stays invalid
        reject(connected(MqttVersion.V5), ReasonCode.TOPIC_NAME_INVALID, 0x30, 0x03, 0x00, 0x00, 0x00);
        // topic that is not UTF-8 [MQTT-1.5.4-1] or contains U+0000 [MQTT-1.5.4-2]
        reject(connected(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, 0x30, 0x04, 0x00, 0x02, 0xED, 0xA0);
        reject(connected(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, 0x30, 0x04, 0x00, 0x02, 'a', 0x00);
    }

    @Test
    void packetIdZeroWithQos1IsAProtocolError_MQTT_2_2_1_3() {
        reject(connected(MqttVersion.V3_1_1), ReasonCode.PROTOCOL_ERROR, 0x32, 0x05, 0x00, 0x01, 't', 0x00, 0x00);
    }

    @Test
    void topicLengthBeyondTheRemainingLengthIsMalformed() {
        reject(connected(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, 0x30, 0x03, 0x00, 0x05, 't');
        reject(connected(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, 0x32, 0x04, 0x00, 0x01, 't', 0x00);
    }

    @Test
    void v5PublishPropertyRules() {
        // Topic Alias 0 [MQTT-3.3.2-8]
        reject(connected(MqttVersion.V5), ReasonCode.TOPIC_ALIAS_INVALID, 0x30, 0x07, 0x00, 0x01, 't', 0x03, 0x23, 0x00, 0x00);
        // Payload Format Indicator 2
        reject(connected(MqttVersion.V5), ReasonCode.PROTOCOL_ERROR, 0x30, 0x06, 0x00, 0x01, 't', 0x02, 0x01, 0x02);
        // Session Expiry Interval is not a PUBLISH property: a Malformed Packet (section 2.2.2.2)
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x30, 0x09, 0x00, 0x01, 't', 0x05, 0x11, 0, 0, 0, 1);
        // Content Type twice
        reject(connected(MqttVersion.V5), ReasonCode.PROTOCOL_ERROR, 0x30, 0x0C, 0x00, 0x01, 't', 0x08,
                0x03, 0x00, 0x01, 'a', 0x03, 0x00, 0x01, 'b');
        // property length missing entirely
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x30, 0x03, 0x00, 0x01, 't');
    }

    @ParameterizedTest
    @ValueSource(ints = {0x40, 0x50, 0x62, 0x70})
    void v311ResponsesAreJustAPacketId(int firstByte) {
        PubResponse r = decode(connected(MqttVersion.V3_1_1),
                firstByte, 0x02,             // PUBACK/PUBREC/PUBREL/PUBCOMP, remaining length 2
                0xAB, 0xCD);                 // packet id 0xABCD
        assertThat(r.type().code()).isEqualTo(firstByte >> 4);
        assertThat(r.packetId()).isEqualTo(0xABCD);
        assertThat(r.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
        assertThat(r.properties()).isSameAs(MqttProperties.EMPTY);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x40, 0x50, 0x62, 0x70})
    void v311ResponsesWithExtraBytesAreMalformed(int firstByte) {
        reject(connected(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, firstByte, 0x03, 0x00, 0x01, 0x00);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x40, 0x50, 0x62, 0x70})
    void responsesWithPacketIdZero_MQTT_2_2_1_3(int firstByte) {
        reject(connected(MqttVersion.V3_1_1), ReasonCode.PROTOCOL_ERROR, firstByte, 0x02, 0x00, 0x00);
    }

    @Test
    void v5ShortForms_MQTT_3_4_2_1() {
        PubResponse bare = decode(connected(MqttVersion.V5),
                0x40, 0x02,                  // PUBACK, remaining length 2
                0x00, 0x07);                 // packet id 7; reason 0x00 implied
        assertThat(bare).isEqualTo(PubResponse.of(PacketType.PUBACK, 7));
        PubResponse reasonOnly = decode(connected(MqttVersion.V5),
                0x50, 0x03,                  // PUBREC, remaining length 3
                0x00, 0x07,                  // packet id 7
                0x10);                       // reason 0x10 No matching subscribers; no properties
        assertThat(reasonOnly.reasonCode()).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
        assertThat(reasonOnly.properties()).isSameAs(MqttProperties.EMPTY);
    }

    @Test
    void v5ResponseWithReasonStringAndUserProperty() {
        PubResponse r = decode(connected(MqttVersion.V5),
                0x62, 0x0F,                          // PUBREL, remaining length 15
                0x00, 0x09,                          // packet id 9
                0x92,                                // reason 0x92 Packet Identifier not found
                0x0B,                                // property length 11
                0x1F, 0x00, 0x02, 'n', 'o',          //   Reason String "no"
                0x26, 0x00, 0x01, 'a', 0x00, 0x00);  //   User Property a=""
        assertThat(r.reasonCode()).isEqualTo(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND);
        assertThat(r.properties().string(PropertyId.REASON_STRING)).contains("no");
        assertThat(r.properties().userProperties()).containsExactly(new UserProperty("a", ""));
    }

    @Test
    void v5ResponseRules() {
        // reason 0x10 is not defined for PUBREL
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x62, 0x03, 0x00, 0x01, 0x10);
        // reason 0x05 is not defined for PUBACK
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x40, 0x03, 0x00, 0x01, 0x05);
        // Topic Alias is not allowed in PUBACK: a Malformed Packet (section 2.2.2.2)
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x40, 0x07, 0x00, 0x01, 0x00, 0x03, 0x23, 0x00, 0x01);
        // bytes after the properties
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x70, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00);
        // remaining length 1: a packet id cut in half
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x40, 0x01, 0x00);
    }
}
