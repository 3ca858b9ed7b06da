package dev.magpie.protocol;

import dev.magpie.Broker;
import dev.magpie.BrokerSettings;
import dev.magpie.codec.Auth;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PingReq;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One log line per connection per reason: after a fatal protocol violation the input buffered behind it is
 * discarded unread, so neither the packets nor the garbage that follow it in the same write are acted on, answered
 * or logged again, and the connection closes (5.0: after one DISCONNECT with the first reason [MQTT-4.13.1-1]).
 */
class ProtocolViolationLogTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private Broker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.stop();
        }
    }

    private int start(BrokerSettings settings) {
        broker = TestBrokers.anonymous(settings).build().start();
        return broker.port("tcp");
    }

    /** What the server sent before it closed; fails if it did not close. */
    private static List<MqttPacket> untilClosed(RawMqttClient c) {
        List<MqttPacket> received = new ArrayList<>();
        assertThat(c.awaitClosed(WAIT)).as("closed").isTrue();
        for (Optional<MqttPacket> p = c.poll(Duration.ZERO); p.isPresent(); p = c.poll(Duration.ZERO)) {
            received.add(p.get());
        }
        return received;
    }

    private static long violationLines(LogCapture log, String clientId) {
        return log.messages().stream().filter(m -> m.contains("protocol violation, closing") && m.contains(clientId)).count();
    }

    @Test
    void packetsBufferedBehindAViolationAreDiscardedUnreadAndLoggedOnce_MQTT_4_12_0_7() {
        int port = start(BrokerSettings.defaults());
        try (LogCapture log = LogCapture.of(MqttConnection.class);
             RawMqttClient c = RawMqttClient.connected(port, RawMqttClient.connectPacket(MqttVersion.V5, "lv-same", true, 60))) {
            // AUTH without an Authentication Method in CONNECT is a protocol error [MQTT-4.12.0-7]; behind it in the
            // same write: 50 PINGREQs that must not be answered, 50 more AUTHs and a reserved packet type
            byte[] auth = c.encode(new Auth(ReasonCode.SUCCESS, MqttProperties.EMPTY));
            byte[] ping = c.encode(PingReq.INSTANCE);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(auth);
            for (int i = 0; i < 50; i++) {
                all.writeBytes(ping);
            }
            for (int i = 0; i < 50; i++) {
                all.writeBytes(auth);
            }
            all.writeBytes(new byte[]{0x00, 0x00});
            c.sendRaw(all.toByteArray());

            assertThat(untilClosed(c)).singleElement().isInstanceOfSatisfying(Disconnect.class,
                    d -> assertThat(d.reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR));
            assertThat(violationLines(log, "lv-same")).isEqualTo(1);
        }
    }

    @Test
    void violationsFoundOnTheSessionsThreadAreLoggedOnce() {
        // a resumed session stays on the event loop that created it, so the second connection (on the next loop)
        // has its QoS 2 quota checked on another thread than its own: every PUBLISH over the quota is found there
        int port = start(BrokerSettings.defaults().withReceiveMaximum(2));
        MqttProperties persistent = MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, 60).build();
        Connect connect = new Connect(MqttVersion.V5, "lv-other", false, 60, null, null, null, persistent);
        try (RawMqttClient first = RawMqttClient.connected(port, connect)) {
            first.send(Disconnect.NORMAL);
            assertThat(first.awaitClosed(WAIT)).isTrue();
        }
        try (LogCapture log = LogCapture.of(MqttConnection.class); RawMqttClient c = RawMqttClient.connected(port, connect)) {
            MqttPacket[] flood = new MqttPacket[40];
            for (int i = 0; i < flood.length; i++) {
                flood[i] = RawMqttClient.publishPacket("lv/t", 2, i + 1, "unreleased"); // never PUBRELed
            }
            c.sendTogether(flood);

            List<MqttPacket> received = untilClosed(c);
            assertThat(received).filteredOn(p -> p instanceof Disconnect).singleElement()
                    .satisfies(d -> assertThat(((Disconnect) d).reasonCode()).isEqualTo(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED));
            assertThat(violationLines(log, "lv-other")).isEqualTo(1);
        }
    }
}
