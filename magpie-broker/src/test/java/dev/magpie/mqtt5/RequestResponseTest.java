package dev.magpie.mqtt5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.magpie.BrokerCapabilities;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.magpie.mqtt5.Mqtt5Fixture.WAIT;
import static dev.magpie.mqtt5.Mqtt5Fixture.connect5;
import static dev.magpie.mqtt5.Mqtt5Fixture.expectDisconnect;
import static dev.magpie.mqtt5.Mqtt5Fixture.expectNoPublish;
import static dev.magpie.mqtt5.Mqtt5Fixture.subscribe;
import static dev.magpie.mqtt5.Mqtt5Fixture.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request / response (spec 4.10) and the application properties that travel with a message: Response Topic,
 * Correlation Data, Content Type, Payload Format Indicator and User Properties, end to end and unaltered;
 * Response Information on request; the UTF-8 check a Payload Format Indicator of 1 asks for (0x99).
 */
class RequestResponseTest {
    private static final byte[] NOT_UTF8 = {(byte) 0xC3, (byte) 0x28};
    private Mqtt5Fixture f;

    @BeforeEach
    void start() {
        f = Mqtt5Fixture.start(BrokerCapabilities.all().withResponseInformation("replies/"));
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static MqttProperties requestProperties() {
        return MqttProperties.builder().string(PropertyId.RESPONSE_TOPIC, "rr/reply/client1")
                .binary(PropertyId.CORRELATION_DATA, new byte[]{9, 8, 7}).string(PropertyId.CONTENT_TYPE, "application/json")
                .integer(PropertyId.PAYLOAD_FORMAT_INDICATOR, 1)
                .userProperty("b", "2").userProperty("a", "1").userProperty("b", "3").build();
    }

    @Test
    void applicationPropertiesArriveUnalteredAndInOrder_MQTT_3_3_2_4_and_3_3_2_15_to_20() {
        RawMqttClient responder = f.v5("rr-responder");
        subscribe(responder, "rr/request", 1);
        RawMqttClient requester = f.v5("rr-requester");
        subscribe(requester, "rr/reply/client1", 1);
        // when the requester sends a request with every application property
        requester.send(new Publish("rr/request", 1, false, false, 1, "{\"q\":1}".getBytes(StandardCharsets.UTF_8), requestProperties()));
        // then the responder sees exactly those properties, user properties in their order
        Publish request = responder.receive(Publish.class, WAIT);
        responder.send(PubResponse.of(PacketType.PUBACK, request.packetId()));
        assertThat(request.properties()).isEqualTo(requestProperties());
        assertThat(request.properties().userProperties()).extracting(u -> u.name() + "=" + u.value()).containsExactly("b=2", "a=1", "b=3");
        // and when it answers on the Response Topic with the Correlation Data
        String replyTopic = request.properties().string(PropertyId.RESPONSE_TOPIC).orElseThrow();
        byte[] correlation = request.properties().binary(PropertyId.CORRELATION_DATA).orElseThrow();
        responder.send(new Publish(replyTopic, 1, false, false, 2, "{\"a\":2}".getBytes(StandardCharsets.UTF_8),
                MqttProperties.builder().binary(PropertyId.CORRELATION_DATA, correlation).build()));
        // then the requester gets the response it can match to its request
        Publish response = null;
        while (response == null) {
            if (requester.receive(WAIT) instanceof Publish p) {
                response = p;
            }
        }
        assertThat(text(response)).isEqualTo("{\"a\":2}");
        assertThat(response.properties().binary(PropertyId.CORRELATION_DATA)).hasValueSatisfying(b -> assertThat(b).containsExactly(9, 8, 7));
    }

    @Test
    void a311SubscriberGetsThePayloadWithoutProperties() {
        RawMqttClient v3 = f.v311("rr-v3");
        subscribe(v3, "rr/v3", 0);
        f.v5("rr-v3-pub").send(new Publish("rr/v3", 0, false, false, 0, "x".getBytes(StandardCharsets.UTF_8), requestProperties()));
        Publish p = v3.receive(Publish.class, WAIT);
        assertThat(text(p)).isEqualTo("x");
        assertThat(p.properties().isEmpty()).isTrue();
    }

    @Test
    void responseInformationOnlyWhenAskedFor_MQTT_3_1_2_28() {
        MqttProperties ask = MqttProperties.builder().integer(PropertyId.REQUEST_RESPONSE_INFORMATION, 1).build();
        ConnAck asked = f.connAck(f.socket(), connect5("rr-info", true, ask));
        assertThat(asked.properties().string(PropertyId.RESPONSE_INFORMATION)).contains("replies/rr-info");
        ConnAck notAsked = f.connAck(f.socket(), connect5("rr-noinfo", true, MqttProperties.EMPTY));
        assertThat(notAsked.properties().has(PropertyId.RESPONSE_INFORMATION)).isFalse();
    }

    @Test
    void noResponseInformationWhenNoneIsConfigured() {
        try (Mqtt5Fixture plain = Mqtt5Fixture.start()) {
            MqttProperties ask = MqttProperties.builder().integer(PropertyId.REQUEST_RESPONSE_INFORMATION, 1).build();
            ConnAck ack = plain.connAck(plain.socket(), connect5("rr-unset", true, ask));
            assertThat(ack.reasonCode()).isZero();
            assertThat(ack.properties().has(PropertyId.RESPONSE_INFORMATION)).isFalse();
        }
    }

    @Test
    void aResponseTopicWithWildcardsIsRefused_MQTT_3_3_2_14() {
        RawMqttClient c = f.v5("rr-wild");
        c.send(new Publish("rr/x", 0, false, false, 0, new byte[]{1},
                MqttProperties.builder().string(PropertyId.RESPONSE_TOPIC, "rr/#").build()));
        dev.magpie.codec.Disconnect d = c.receive(dev.magpie.codec.Disconnect.class, WAIT);
        assertThat(d.reasonCode()).isIn(ReasonCode.PROTOCOL_ERROR, ReasonCode.MALFORMED_PACKET);
        assertThat(c.awaitClosed(WAIT)).isTrue();
    }

    private static MqttProperties utf8() {
        return MqttProperties.builder().integer(PropertyId.PAYLOAD_FORMAT_INDICATOR, 1).build();
    }

    @Test
    void aPayloadThatIsNotTheUtf8ItClaimsIsRefusedWith0x99() {
        // spec 3.3.2.3.2: a receiver may check a Payload Format Indicator of 1 and answer 0x99
        RawMqttClient sub = f.v5("rr-pfi-sub");
        subscribe(sub, "pfi/#", 0);
        RawMqttClient pub = f.v5("rr-pfi");
        pub.send(new Publish("pfi/q1", 1, false, false, 1, NOT_UTF8, utf8()));
        PubResponse puback = pub.receive(PubResponse.class, WAIT);
        assertThat(puback.type()).isEqualTo(PacketType.PUBACK);
        assertThat(puback.reasonCode()).isEqualTo(ReasonCode.PAYLOAD_FORMAT_INVALID);
        pub.send(new Publish("pfi/q2", 2, false, false, 2, NOT_UTF8, utf8()));
        PubResponse pubrec = pub.receive(PubResponse.class, WAIT);
        assertThat(pubrec.type()).isEqualTo(PacketType.PUBREC);
        assertThat(pubrec.reasonCode()).isEqualTo(ReasonCode.PAYLOAD_FORMAT_INVALID);
        expectNoPublish(sub);
        // QoS 0 has no acknowledgement to carry the refusal: the connection is closed with 0x99
        pub.send(new Publish("pfi/q0", 0, false, false, 0, NOT_UTF8, utf8()));
        expectDisconnect(pub, ReasonCode.PAYLOAD_FORMAT_INVALID);
        expectNoPublish(sub);
    }

    @Test
    void binaryPayloadsAndValidUtf8PassWithTheIndicatorUnaltered_MQTT_3_3_2_4() {
        RawMqttClient sub = f.v5("rr-bin-sub");
        subscribe(sub, "bin/#", 0);
        RawMqttClient pub = f.v5("rr-bin");
        pub.send(new Publish("bin/raw", 0, false, false, 0, NOT_UTF8, MqttProperties.builder().integer(PropertyId.PAYLOAD_FORMAT_INDICATOR, 0).build()));
        pub.send(new Publish("bin/text", 0, false, false, 0, "grüß".getBytes(StandardCharsets.UTF_8), utf8()));
        Publish raw = sub.receive(Publish.class, WAIT);
        assertThat(raw.payload()).containsExactly(NOT_UTF8);
        assertThat(raw.properties().integer(PropertyId.PAYLOAD_FORMAT_INDICATOR, -1)).isZero();
        Publish textual = sub.receive(Publish.class, WAIT);
        assertThat(text(textual)).isEqualTo("grüß");
        assertThat(textual.properties().integer(PropertyId.PAYLOAD_FORMAT_INDICATOR, -1)).isEqualTo(1);
    }

    @Test
    void aWillThatIsNotTheUtf8ItClaimsIsRefusedAtConnect() {
        Connect.Will will = new Connect.Will("w", NOT_UTF8, 0, false, utf8());
        ConnAck ack = f.connAck(f.socket(), connect5("rr-bad-will", true, MqttProperties.EMPTY, will));
        assertThat(ack.reasonCode()).isEqualTo(ReasonCode.PAYLOAD_FORMAT_INVALID);
    }

    @Test
    void hivemqRequestAndResponse() throws Exception {
        Mqtt5BlockingClient responder = f.hivemq("rr-hm-responder");
        responder.connect();
        Mqtt5BlockingClient requester = f.hivemq("rr-hm-requester");
        Mqtt5ConnAck ack = requester.connectWith().restrictions().requestResponseInformation(true).applyRestrictions().send();
        String replyTopic = ack.getResponseInformation().orElseThrow().toString();
        assertThat(replyTopic).isEqualTo("replies/rr-hm-requester");
        try (Mqtt5BlockingClient.Mqtt5Publishes requests = responder.publishes(MqttGlobalPublishFilter.ALL);
             Mqtt5BlockingClient.Mqtt5Publishes replies = requester.publishes(MqttGlobalPublishFilter.ALL)) {
            responder.subscribeWith().topicFilter("hmrr/request").qos(MqttQos.EXACTLY_ONCE).send();
            requester.subscribeWith().topicFilter(replyTopic).qos(MqttQos.EXACTLY_ONCE).send();
            requester.publishWith().topic("hmrr/request").qos(MqttQos.EXACTLY_ONCE).responseTopic(replyTopic)
                    .correlationData("req-1".getBytes(StandardCharsets.UTF_8)).contentType("text/plain")
                    .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                    .userProperties().add("z", "1").add("a", "2").add("z", "3").applyUserProperties()
                    .payload("ping".getBytes(StandardCharsets.UTF_8)).send();
            Mqtt5Publish request = requests.receive(WAIT.toSeconds(), TimeUnit.SECONDS).orElseThrow();
            assertThat(request.getContentType().orElseThrow().toString()).isEqualTo("text/plain");
            assertThat(request.getPayloadFormatIndicator()).contains(Mqtt5PayloadFormatIndicator.UTF_8);
            assertThat(request.getUserProperties().asList()).extracting(p -> p.getName() + "=" + p.getValue())
                    .containsExactly("z=1", "a=2", "z=3");
            responder.publishWith().topic(request.getResponseTopic().orElseThrow()).qos(MqttQos.EXACTLY_ONCE)
                    .correlationData(request.getCorrelationData().orElseThrow()).payload("pong".getBytes(StandardCharsets.UTF_8)).send();
            Optional<Mqtt5Publish> reply = replies.receive(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(reply).isPresent();
            assertThat(new String(reply.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("pong");
            ByteBuffer correlation = reply.get().getCorrelationData().orElseThrow();
            assertThat(StandardCharsets.UTF_8.decode(correlation).toString()).isEqualTo("req-1");
        }
    }
}
