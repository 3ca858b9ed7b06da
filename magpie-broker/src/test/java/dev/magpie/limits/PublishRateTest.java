package dev.magpie.limits;

import dev.magpie.BrokerLimits;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttEncoder;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PingReq;
import dev.magpie.codec.PingResp;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.magpie.limits.LimitsFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * message_rate / byte_rate per client. The default action throttles: the broker stops reading a client that is
 * over its rate (TCP backpressure slows it down, nothing is lost), while other clients on the same broker are
 * served as usual. The disconnect action ends the connection with 0x96 Message rate too high (5.0).
 */
class PublishRateTest {
    private static final int RATE = 50;
    private static final int PAYLOAD = 1000;
    /**
     * Packets already read from the socket when reading pauses are still processed (nothing is lost; the pause
     * grows to pay them back): at most one socket read, which Netty caps at 64 KiB, i.e. 64 of these packets.
     */
    private static final int ONE_READ = 64 * 1024 / PAYLOAD;

    @Test
    void floodingClientIsSlowedToItsRateWhileAWellBehavedClientIsServed() throws Exception {
        BrokerLimits limits = BrokerLimits.defaults().toBuilder().messageRate(RATE).build();
        try (LimitsFixture f = new LimitsFixture(TestBrokers.anonymous().limits(limits))) {
            RawMqttClient floodWatcher = f.v311("flood-watcher");
            assertThat(LimitsFixture.subscribe(floodWatcher, "flood")).containsExactly(1);
            RawMqttClient goodWatcher = f.v311("good-watcher");
            assertThat(LimitsFixture.subscribe(goodWatcher, "good")).containsExactly(1);

            RawMqttClient flooder = f.v311("flooder");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            long start = System.nanoTime();
            Thread flood = new Thread(() -> {
                byte[] payload = new byte[PAYLOAD];
                // bounded: at most 20000 packets; the socket blocks once the broker stops reading
                for (int i = 0; i < 20_000 && !stop.get(); i++) {
                    try {
                        flooder.send(LimitsFixture.publish("flood", 0, 0, payload));
                        sent.incrementAndGet();
                    } catch (RuntimeException closed) {
                        return;
                    }
                }
            }, "flooder");
            flood.setDaemon(true);
            flood.start();
            await().atMost(WAIT).until(() -> sent.get() > 2 * RATE);

            // a well-behaved client on the same broker: all 20 of its messages arrive while the flood goes on
            try (MqttClient good = new MqttClient(TestBrokers.uri(f.broker), "good", new MemoryPersistence())) {
                MqttConnectOptions options = PahoOptions.v3();
                options.setCleanSession(true);
                good.connect(options);
                for (int i = 0; i < 20; i++) {
                    good.publish("good", ("m" + i).getBytes(), 1, false);
                }
                good.disconnect();
            }
            for (int i = 0; i < 20; i++) {
                assertThat(goodWatcher.receive(Publish.class, WAIT).topic()).isEqualTo("good");
            }

            // the flooder got through no more than its burst plus its rate over the time it has been sending
            int delivered = 0;
            while (floodWatcher.poll(java.time.Duration.ofMillis(200)).isPresent()) {
                delivered++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            stop.set(true);
            flooder.close();
            flood.join(5_000);
            assertThat(sent.get()).as("the flooder tried more than it was let through").isGreaterThan(delivered);
            // burst (one second's worth) + rate x time + what one socket read had already brought in
            assertThat(delivered).as("delivered within %.1f s at %d/s", seconds, RATE)
                    .isLessThanOrEqualTo((int) (RATE + RATE * seconds) + ONE_READ);
        }
    }

    /**
     * A throttled client is not timed out for keep-alive while the broker is the one not reading: its PINGREQs
     * wait in the socket behind the pause, longer than 1.5 x its keep-alive ([MQTT-3.1.2-24] in 3.1.1,
     * [MQTT-3.1.2-22] in 5.0, counts packets the server receives, and the server chose not to receive them).
     * It stays connected, and every message it sent is delivered, in order.
     */
    @Test
    void aThrottledClientIsNotTimedOutForKeepAliveWhileTheBrokerPausesReading() {
        int rate = 4;
        int keepAlive = 2;
        int batch = 20;
        int later = 8;
        BrokerLimits limits = BrokerLimits.defaults().toBuilder().messageRate(rate).build();
        try (LimitsFixture f = new LimitsFixture(TestBrokers.anonymous().limits(limits))) {
            RawMqttClient watcher = f.v311("slow-watcher");
            assertThat(LimitsFixture.subscribe(watcher, "slow")).containsExactly(1);
            RawMqttClient slow = f.socket();
            assertThat(f.connAck(slow, RawMqttClient.connectPacket(MqttVersion.V3_1_1, "slow", true, keepAlive)).reasonCode()).isZero();

            // one write, so one socket read brings the whole batch: 16 over the burst of 4 at 4/s = a 4 s pause,
            // longer than the 3 s (1.5 x keep-alive) after which a silent client is timed out
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < batch; i++) {
                burst.writeBytes(encode(LimitsFixture.publish("slow", 0, 0, "m" + i)));
            }
            slow.sendRaw(burst.toByteArray());
            long batchSent = System.nanoTime();

            // the client behaves: a PINGREQ every 500 ms, and a few more messages meanwhile
            List<MqttPacket> answers = new ArrayList<>();
            long firstPingSent = 0;
            long firstPongAt = 0;
            int pings = 0;
            for (int tick = 1; tick <= 12; tick++) {
                answers.addAll(pollUntil(slow, batchSent + Duration.ofMillis(500L * tick).toNanos()));
                if (firstPongAt == 0 && answers.stream().anyMatch(PingResp.class::isInstance)) {
                    firstPongAt = System.nanoTime();
                }
                if (tick <= later) {
                    slow.send(LimitsFixture.publish("slow", 0, 0, "m" + (batch + tick - 1)));
                }
                slow.send(PingReq.INSTANCE);
                pings++;
                if (firstPingSent == 0) {
                    firstPingSent = System.nanoTime();
                }
            }
            // the broker left the first PINGREQ unread for longer than 1.5 x keep-alive, and answered it anyway
            while (answers.stream().filter(PingResp.class::isInstance).count() < pings) {
                answers.add(slow.receive(WAIT));
                if (firstPongAt == 0) {
                    firstPongAt = System.nanoTime();
                }
            }
            assertThat(answers).as("only PINGRESPs, no close").allMatch(PingResp.class::isInstance).hasSize(pings);
            assertThat(Duration.ofNanos(firstPongAt - firstPingSent)).as("the first PINGREQ waited behind the pause")
                    .isGreaterThan(Duration.ofMillis(1500L * keepAlive));

            List<String> delivered = new ArrayList<>();
            for (int i = 0; i < batch + later; i++) {
                delivered.add(new String(watcher.receive(Publish.class, WAIT).payload(), StandardCharsets.UTF_8));
            }
            assertThat(delivered).containsExactlyElementsOf(java.util.stream.IntStream.range(0, batch + later).mapToObj(i -> "m" + i).toList());
            slow.send(PingReq.INSTANCE);
            assertThat(slow.receive(PingResp.class, WAIT)).as("still connected").isNotNull();
        }
    }

    /** Packets that arrive until {@code deadlineNanos}: the client's pacing, reading what comes meanwhile. */
    private static List<MqttPacket> pollUntil(RawMqttClient c, long deadlineNanos) {
        List<MqttPacket> got = new ArrayList<>();
        for (long left = deadlineNanos - System.nanoTime(); left > 0; left = deadlineNanos - System.nanoTime()) {
            c.poll(Duration.ofNanos(left)).ifPresent(got::add);
        }
        return got;
    }

    private static byte[] encode(MqttPacket packet) {
        ByteBuf buf = MqttEncoder.encode(UnpooledByteBufAllocator.DEFAULT, packet, MqttVersion.V3_1_1);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void disconnectActionSendsMessageRateTooHighToA5Client() {
        BrokerLimits limits = BrokerLimits.defaults().toBuilder().messageRate(5)
                .rateLimitAction(BrokerLimits.RateLimitAction.DISCONNECT).build();
        try (LimitsFixture f = new LimitsFixture(TestBrokers.anonymous().limits(limits))) {
            RawMqttClient c = f.v5("fast");
            for (int i = 1; i <= 20; i++) {
                try {
                    c.send(LimitsFixture.publish("t", 1, i, "x"));
                } catch (RuntimeException closed) {
                    break;
                }
            }
            // the burst of 5 is acknowledged, then DISCONNECT 0x96 and close [MQTT-3.14.2-1 reason codes]
            int acks = 0;
            while (true) {
                var packet = c.receive(WAIT);
                if (packet instanceof PubResponse) {
                    acks++;
                    continue;
                }
                assertThat(packet).isInstanceOfSatisfying(Disconnect.class,
                        d -> assertThat(d.reasonCode()).isEqualTo(ReasonCode.MESSAGE_RATE_TOO_HIGH));
                break;
            }
            assertThat(acks).isLessThanOrEqualTo(6);
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void disconnectActionClosesA311Client() {
        BrokerLimits limits = BrokerLimits.defaults().toBuilder().messageRate(5)
                .rateLimitAction(BrokerLimits.RateLimitAction.DISCONNECT).build();
        try (LimitsFixture f = new LimitsFixture(TestBrokers.anonymous().limits(limits))) {
            RawMqttClient c = f.connected("tcp", MqttVersion.V3_1_1, "fast");
            for (int i = 0; i < 20; i++) {
                try {
                    c.send(LimitsFixture.publish("t", 0, 0, "x"));
                } catch (RuntimeException closed) {
                    break;
                }
            }
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
    }
}
