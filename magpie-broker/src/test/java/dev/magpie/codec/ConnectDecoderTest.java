package dev.magpie.codec;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.magpie.codec.DecoderHarness.cat;
import static dev.magpie.codec.DecoderHarness.decode;
import static dev.magpie.codec.DecoderHarness.reject;
import static dev.magpie.codec.DecoderHarness.server;
import static dev.magpie.codec.DecoderHarness.str;
import static org.assertj.core.api.Assertions.assertThat;

class ConnectDecoderTest {

    /** A CONNECT with the given variable-header fields; {@code properties} null for 3.x. */
    private static int[] connect(String name, int level, int flags, int[] properties, int[] payload) {
        int[] body = cat(str(name), level, flags, 0x00, 0x3C, properties == null ? new int[0] : properties, payload);
        return cat(0x10, body.length, body);
    }

    @Test
    void mqtt311Minimal() {
        Connect c = decode(server(),
                0x10, 0x10,                   // CONNECT, remaining length 16
                0x00, 0x04, 'M', 'Q', 'T', 'T', // protocol name "MQTT"
                0x04,                         // protocol level 4 (3.1.1)
                0x02,                         // connect flags: clean session
                0x00, 0x3C,                   // keep alive 60 s
                0x00, 0x04, 'c', 'l', 'i', 'd'); // client identifier "clid"
        assertThat(c.version()).isEqualTo(MqttVersion.V3_1_1);
        assertThat(c.clientId()).isEqualTo("clid");
        assertThat(c.cleanStart()).isTrue();
        assertThat(c.keepAliveSeconds()).isEqualTo(60);
        assertThat(c.username()).isNull();
        assertThat(c.password()).isNull();
        assertThat(c.will()).isNull();
        assertThat(c.properties()).isSameAs(MqttProperties.EMPTY);
    }

    @Test
    void mqtt311EmptyClientIdAndZeroKeepAlive() {
        Connect c = decode(server(),
                0x10, 0x0C,                   // CONNECT, remaining length 12
                0x00, 0x04, 'M', 'Q', 'T', 'T', // protocol name
                0x04,                         // level 4
                0x00,                         // flags: none (the protocol layer decides about empty ids)
                0x00, 0x00,                   // keep alive 0
                0x00, 0x00);                  // client identifier ""
        assertThat(c.clientId()).isEmpty();
        assertThat(c.cleanStart()).isFalse();
        assertThat(c.keepAliveSeconds()).isZero();
    }

    @Test
    void mqtt31WithWillUserNameAndPassword() {
        Connect c = decode(server(),
                0x10, 0x1F,                                     // CONNECT, remaining length 31
                0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',       // protocol name "MQIsdp"
                0x03,                                           // level 3 (3.1)
                0xEE,                                           // flags: user, password, will retain, will QoS 1, will, clean
                0x00, 0x0A,                                     // keep alive 10
                0x00, 0x01, 'c',                                // client identifier "c"
                0x00, 0x03, 'w', '/', 't',                      // will topic "w/t"
                0x00, 0x02, 'b', 'y',                           // will payload "by"
                0x00, 0x01, 'u',                                // user name "u"
                0x00, 0x02, 'p', 'w');                          // password "pw"
        assertThat(c.version()).isEqualTo(MqttVersion.V3_1);
        assertThat(c.will().topic()).isEqualTo("w/t");
        assertThat(c.will().payload()).containsExactly('b', 'y');
        assertThat(c.will().qos()).isEqualTo(1);
        assertThat(c.will().retain()).isTrue();
        assertThat(c.will().properties()).isSameAs(MqttProperties.EMPTY);
        assertThat(c.username()).isEqualTo("u");
        assertThat(c.password()).containsExactly('p', 'w');
    }

    @Test
    void mqtt5WithPropertiesAndWillProperties() {
        EmbeddedChannel ch = server();
        Connect c = decode(ch,
                0x10, 0x34,                         // CONNECT, remaining length 52
                0x00, 0x04, 'M', 'Q', 'T', 'T',     // protocol name
                0x05,                               // level 5
                0xC6,                               // flags: user, password, will (QoS 0), clean start
                0x00, 0x3C,                         // keep alive 60
                0x14,                               // property length 20
                0x11, 0x00, 0x00, 0x00, 0x0A,       //   Session Expiry Interval 10
                0x21, 0x00, 0x14,                   //   Receive Maximum 20
                0x27, 0x00, 0x00, 0x10, 0x00,       //   Maximum Packet Size 4096
                0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v', // User Property k=v
                0x00, 0x02, 'i', 'd',               // client identifier "id"
                0x05,                               // will property length 5
                0x18, 0x00, 0x00, 0x00, 0x05,       //   Will Delay Interval 5
                0x00, 0x01, 'a',                    // will topic "a"
                0x00, 0x00,                         // will payload (empty)
                0x00, 0x01, 'u',                    // user name "u"
                0x00, 0x01, 'p');                   // password "p"
        assertThat(c.version()).isEqualTo(MqttVersion.V5);
        assertThat(c.properties().integer(PropertyId.SESSION_EXPIRY_INTERVAL, -1)).isEqualTo(10);
        assertThat(c.properties().integer(PropertyId.RECEIVE_MAXIMUM, -1)).isEqualTo(20);
        assertThat(c.properties().unsignedInt(PropertyId.MAXIMUM_PACKET_SIZE, -1)).isEqualTo(4096);
        assertThat(c.properties().userProperties()).containsExactly(new UserProperty("k", "v"));
        assertThat(c.will().properties().integer(PropertyId.WILL_DELAY_INTERVAL, -1)).isEqualTo(5);
        assertThat(c.will().payload()).isEmpty();
        assertThat(c.password()).containsExactly('p');
    }

    @Test
    void mqtt5AllowsAPasswordWithoutAUserName() {
        Connect c = decode(server(), connect("MQTT", 5, 0x40, new int[] {0x00}, cat(str("c"), str("pw"))));
        assertThat(c.username()).isNull();
        assertThat(c.password()).containsExactly('p', 'w');
    }

    @Test
    void wrongProtocolNameIsAProtocolError_MQTT_3_1_2_1() {
        reject(server(), ReasonCode.PROTOCOL_ERROR, connect("MQTX", 4, 0x02, null, str("c")));
        reject(server(), ReasonCode.PROTOCOL_ERROR, connect("mqtt", 4, 0x02, null, str("c")));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 6, 0x84, 0xFF})
    void unsupportedLevelOfMqtt_MQTT_3_1_2_2(int level) {
        reject(server(), ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, connect("MQTT", level, 0x02, null, str("c")));
    }

    @Test
    void mqisdpOnlyWithLevel3_MQTT_3_1_2_2() {
        reject(server(), ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, connect("MQIsdp", 4, 0x02, null, str("c")));
    }

    @Test
    void reservedConnectFlagMustBeZero_MQTT_3_1_2_3() {
        reject(server(), ReasonCode.MALFORMED_PACKET, connect("MQTT", 4, 0x03, null, str("c")));
    }

    @Test
    void willQosWithoutWillFlag_MQTT_3_1_2_11_and_MQTT_3_1_2_13() {
        reject(server(), ReasonCode.MALFORMED_PACKET, connect("MQTT", 4, 0x0A, null, str("c")));
        reject(server(), ReasonCode.MALFORMED_PACKET, connect("MQTT", 5, 0x12, new int[] {0}, str("c")));
    }

    @Test
    void willRetainWithoutWillFlag_MQTT_3_1_2_15() {
        reject(server(), ReasonCode.MALFORMED_PACKET, connect("MQTT", 4, 0x22, null, str("c")));
    }

    @Test
    void willQos3_MQTT_3_1_2_14() {
        reject(server(), ReasonCode.MALFORMED_PACKET, connect("MQTT", 4, 0x1E, null, cat(str("c"), str("t"), str("m"))));
    }

    @Test
    void passwordWithoutUserNameBefore50_MQTT_3_1_2_22() {
        reject(server(), ReasonCode.MALFORMED_PACKET, connect("MQTT", 4, 0x42, null, cat(str("c"), str("pw"))));
        reject(server(), ReasonCode.MALFORMED_PACKET, connect("MQIsdp", 3, 0x42, null, cat(str("c"), str("pw"))));
    }

    @Test
    void willTopicMustBeATopicName() {
        reject(server(), ReasonCode.TOPIC_NAME_INVALID, connect("MQTT", 4, 0x06, null, cat(str("c"), str("a/#"), str("m"))));
        reject(server(), ReasonCode.TOPIC_NAME_INVALID, connect("MQTT", 4, 0x06, null, cat(str("c"), str(""), str("m"))));
    }

    @Test
    void clientIdMustBeWellFormedUtf8_MQTT_1_5_4_1() {
        reject(server(), ReasonCode.MALFORMED_PACKET, connect("MQTT", 4, 0x02, null, new int[] {0x00, 0x02, 0xC0, 0xAF}));
        reject(server(), ReasonCode.MALFORMED_PACKET, connect("MQTT", 4, 0x02, null, new int[] {0x00, 0x01, 0x00}));
    }

    @Test
    void missingFieldsAndTrailingBytesAreMalformed() {
        // user name flag set, but the payload ends after the client id
        reject(server(), ReasonCode.MALFORMED_PACKET, connect("MQTT", 4, 0x82, null, str("c")));
        // a byte after the last field
        reject(server(), ReasonCode.MALFORMED_PACKET, connect("MQTT", 4, 0x02, null, cat(str("c"), 0x00)));
        // remaining length ends inside the protocol name
        reject(server(), ReasonCode.MALFORMED_PACKET, 0x10, 0x03, 0x00, 0x04, 'M');
        // empty CONNECT
        reject(server(), ReasonCode.MALFORMED_PACKET, 0x10, 0x00);
    }

    @Test
    void mqtt5PropertyRules() {
        // Topic Alias is not a CONNECT property: a Malformed Packet (section 2.2.2.2)
        reject(server(), ReasonCode.MALFORMED_PACKET, connect("MQTT", 5, 0x02, new int[] {0x03, 0x23, 0x00, 0x01}, str("c")));
        // unknown identifier 0x7F
        reject(server(), ReasonCode.MALFORMED_PACKET, connect("MQTT", 5, 0x02, new int[] {0x02, 0x7F, 0x00}, str("c")));
        // Session Expiry Interval twice
        reject(server(), ReasonCode.PROTOCOL_ERROR, connect("MQTT", 5, 0x02,
                new int[] {0x0A, 0x11, 0, 0, 0, 1, 0x11, 0, 0, 0, 2}, str("c")));
        // Receive Maximum 0
        reject(server(), ReasonCode.PROTOCOL_ERROR, connect("MQTT", 5, 0x02, new int[] {0x03, 0x21, 0x00, 0x00}, str("c")));
        // Maximum Packet Size 0
        reject(server(), ReasonCode.PROTOCOL_ERROR, connect("MQTT", 5, 0x02, new int[] {0x05, 0x27, 0, 0, 0, 0}, str("c")));
        // Request Problem Information 2
        reject(server(), ReasonCode.PROTOCOL_ERROR, connect("MQTT", 5, 0x02, new int[] {0x02, 0x17, 0x02}, str("c")));
        // Request Response Information 2
        reject(server(), ReasonCode.PROTOCOL_ERROR, connect("MQTT", 5, 0x02, new int[] {0x02, 0x19, 0x02}, str("c")));
        // Authentication Data without Authentication Method
        reject(server(), ReasonCode.PROTOCOL_ERROR, connect("MQTT", 5, 0x02, new int[] {0x04, 0x16, 0x00, 0x01, 0x07}, str("c")));
        // property length 9 reaches past the end of the packet
        reject(server(), ReasonCode.MALFORMED_PACKET, connect("MQTT", 5, 0x02, new int[] {0x09, 0x11, 0, 0}, new int[0]));
        // property value cut off by the property length
        reject(server(), ReasonCode.MALFORMED_PACKET, connect("MQTT", 5, 0x02, new int[] {0x03, 0x11, 0, 0}, cat(0, 0, str("c"))));
    }

    @Test
    void mqtt5WillPropertyRules() {
        // Payload Format Indicator 2 in the Will properties
        reject(server(), ReasonCode.PROTOCOL_ERROR, connect("MQTT", 5, 0x06, new int[] {0x00},
                cat(str("c"), 0x02, 0x01, 0x02, str("t"), str("m"))));
        // Session Expiry Interval is a CONNECT property, not a Will property: a Malformed Packet (section 2.2.2.2)
        reject(server(), ReasonCode.MALFORMED_PACKET, connect("MQTT", 5, 0x06, new int[] {0x00},
                cat(str("c"), 0x05, 0x11, 0, 0, 0, 1, str("t"), str("m"))));
        // Response Topic with a wildcard [MQTT-3.3.2-14]
        reject(server(), ReasonCode.PROTOCOL_ERROR, connect("MQTT", 5, 0x06, new int[] {0x00},
                cat(str("c"), 0x05, 0x08, str("a+"), str("t"), str("m"))));
    }

    @Test
    void versionIsKnownEvenWhenTheRestOfA5ConnectIsBad() {
        EmbeddedChannel ch = server();
        MqttDecoder decoder = ch.pipeline().get(MqttDecoder.class);
        reject(ch, ReasonCode.PROTOCOL_ERROR, connect("MQTT", 5, 0x02, new int[] {0x03, 0x21, 0x00, 0x00}, str("c")));
        assertThat(decoder.version()).contains(MqttVersion.V5);
    }
}
