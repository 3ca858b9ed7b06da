package dev.magpie.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.magpie.codec.DecoderHarness.connected;
import static dev.magpie.codec.DecoderHarness.decode;
import static dev.magpie.codec.DecoderHarness.reject;
import static org.assertj.core.api.Assertions.assertThat;

/** SUBSCRIBE and UNSUBSCRIBE in 3.1, 3.1.1 and 5.0. */
class SubscribeDecoderTest {

    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"V3_1", "V3_1_1"})
    void v3SubscribeWithTwoFilters(MqttVersion version) {
        Subscribe s = decode(connected(version),
                0x82, 0x0C,                      // SUBSCRIBE, remaining length 12
                0x00, 0x01,                      // packet id 1
                0x00, 0x03, 'a', '/', '+',       // filter "a/+"
                0x01,                            //   options: QoS 1
                0x00, 0x01, '#',                 // filter "#"
                0x02);                           //   options: QoS 2
        assertThat(s.packetId()).isEqualTo(1);
        assertThat(s.subscriptions()).containsExactly(Subscribe.Subscription.of("a/+", 1), Subscribe.Subscription.of("#", 2));
        assertThat(s.properties()).isSameAs(MqttProperties.EMPTY);
    }

    @Test
    void v5SubscribeWithOptionsAndSubscriptionIdentifier() {
        Subscribe s = decode(connected(MqttVersion.V5),
                0x82, 0x19,                      // SUBSCRIBE, remaining length 25
                0x00, 0x02,                      // packet id 2
                0x0A,                            // property length 10
                0x0B, 0xC8, 0x01,                //   Subscription Identifier 200
                0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v', // User Property k=v
                0x00, 0x03, 'a', '/', 'b',       // filter "a/b"
                0x2D,                            //   options: Retain Handling 2, Retain As Published, No Local, QoS 1
                0x00, 0x03, 'c', '/', '#',       // filter "c/#"
                0x10);                           //   options: Retain Handling 1, QoS 0
        assertThat(s.properties().subscriptionIdentifiers()).containsExactly(200);
        assertThat(s.properties().userProperties()).containsExactly(new UserProperty("k", "v"));
        assertThat(s.subscriptions()).containsExactly(
                new Subscribe.Subscription("a/b", 1, true, true, 2),
                new Subscribe.Subscription("c/#", 0, false, false, 1));
    }

    @Test
    void syntacticallyInvalidFiltersAreKeptForPerFilterSubAckCodes() {
        Subscribe s = decode(connected(MqttVersion.V3_1_1),
                0x82, 0x0F,                      // SUBSCRIBE, remaining length 15
                0x00, 0x03,                      // packet id 3
                0x00, 0x03, 'a', '#', 'b',       // filter "a#b": invalid [MQTT-4.7.1-2], answered with 0x80 later
                0x00,                            //   QoS 0
                0x00, 0x00,                      // filter "": invalid, kept
                0x01,                            //   QoS 1
                0x00, 0x01, '+',                 // filter "+": valid
                0x00);                           //   QoS 0
        assertThat(s.subscriptions()).extracting(Subscribe.Subscription::filter).containsExactly("a#b", "", "+");
        assertThat(s.subscriptions()).extracting(sub -> TopicSyntax.isValidTopicFilter(sub.filter()))
                .containsExactly(false, false, true);
    }

    @Test
    void subscribeWithoutFilters_MQTT_3_8_3_3() {
        reject(connected(MqttVersion.V3_1_1), ReasonCode.PROTOCOL_ERROR, 0x82, 0x02, 0x00, 0x01);
        reject(connected(MqttVersion.V5), ReasonCode.PROTOCOL_ERROR, 0x82, 0x03, 0x00, 0x01, 0x00);
    }

    @Test
    void subscribePacketIdZero_MQTT_2_2_1_3() {
        reject(connected(MqttVersion.V3_1_1), ReasonCode.PROTOCOL_ERROR, 0x82, 0x06, 0x00, 0x00, 0x00, 0x01, 'a', 0x00);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x03, 0x04, 0x80, 0xFC})
    void v311ReservedOptionBitsAndQos3_MQTT_3_8_3_4(int options) {
        reject(connected(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, 0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 'a', options);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x40, 0x80, 0xC0})
    void v5ReservedOptionBits_MQTT_3_8_3_5(int options) {
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 'a', options);
    }

    @Test
    void v5RequestedQos3IsMalformed_MQTT_3_8_3_4() {
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 'a', 0x03);
    }

    @Test
    void v5RetainHandling3IsAProtocolError() {
        reject(connected(MqttVersion.V5), ReasonCode.PROTOCOL_ERROR, 0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 'a', 0x30);
    }

    @Test
    void v5NoLocalOnASharedSubscription_MQTT_3_8_3_4() {
        reject(connected(MqttVersion.V5), ReasonCode.PROTOCOL_ERROR,
                0x82, 0x0F, 0x00, 0x01, 0x00, 0x00, 0x09, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '/', 0x04);
    }

    @Test
    void v5SubscribePropertyRules() {
        // Subscription Identifier 0
        reject(connected(MqttVersion.V5), ReasonCode.PROTOCOL_ERROR, 0x82, 0x09, 0x00, 0x01, 0x02, 0x0B, 0x00, 0x00, 0x01, 'a', 0x00);
        // two Subscription Identifiers
        reject(connected(MqttVersion.V5), ReasonCode.PROTOCOL_ERROR, 0x82, 0x0B, 0x00, 0x01, 0x04, 0x0B, 0x01, 0x0B, 0x02,
                0x00, 0x01, 'a', 0x00);
        // Reason String is not a SUBSCRIBE property: a Malformed Packet (section 2.2.2.2)
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x82, 0x0A, 0x00, 0x01, 0x03, 0x1F, 0x00, 0x00,
                0x00, 0x01, 'a', 0x00);
        // Subscription Identifier of five bytes
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x82, 0x0C, 0x00, 0x01, 0x06, 0x0B, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
                0x00, 0x01, 'a', 0x00);
    }

    @Test
    void filterWithoutOptionsByteIsMalformed() {
        reject(connected(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, 0x82, 0x05, 0x00, 0x01, 0x00, 0x01, 'a');
    }

    @Test
    void filterThatIsNotUtf8IsMalformed_MQTT_1_5_4_1() {
        reject(connected(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, 0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0xFF, 0x00);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void unsubscribe(MqttVersion version) {
        boolean v5 = version.isV5();
        int[] bytes = v5
                ? new int[] {
                        0xA2, 0x0A,              // UNSUBSCRIBE, remaining length 10
                        0x00, 0x05,              // packet id 5
                        0x00,                    // property length 0
                        0x00, 0x01, 'a',         // filter "a"
                        0x00, 0x02, 'b', '#'}    // filter "b#" (invalid, kept; UNSUBACK answers 0x8F)
                : new int[] {
                        0xA2, 0x09,              // UNSUBSCRIBE, remaining length 9
                        0x00, 0x05,              // packet id 5
                        0x00, 0x01, 'a',         // filter "a"
                        0x00, 0x02, 'b', '#'};   // filter "b#"
        Unsubscribe u = decode(connected(version), bytes);
        assertThat(u.packetId()).isEqualTo(5);
        assertThat(u.filters()).containsExactly("a", "b#");
    }

    @Test
    void unsubscribeWithoutFilters_MQTT_3_10_3_2() {
        reject(connected(MqttVersion.V3_1_1), ReasonCode.PROTOCOL_ERROR, 0xA2, 0x02, 0x00, 0x01);
        reject(connected(MqttVersion.V5), ReasonCode.PROTOCOL_ERROR, 0xA2, 0x03, 0x00, 0x01, 0x00);
    }

    @Test
    void unsubscribeRules() {
        // packet id 0 [MQTT-2.2.1-3]
        reject(connected(MqttVersion.V3_1_1), ReasonCode.PROTOCOL_ERROR, 0xA2, 0x05, 0x00, 0x00, 0x00, 0x01, 'a');
        // filter cut off
        reject(connected(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, 0xA2, 0x05, 0x00, 0x01, 0x00, 0x05, 'a');
        // Subscription Identifier is not an UNSUBSCRIBE property: a Malformed Packet (section 2.2.2.2)
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0xA2, 0x08, 0x00, 0x01, 0x02, 0x0B, 0x01, 0x00, 0x01, 'a');
    }
}
