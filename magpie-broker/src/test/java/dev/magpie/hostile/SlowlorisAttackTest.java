package dev.magpie.hostile;

import dev.magpie.BrokerSettings;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttEncoder;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow and silent sockets (slowloris): a CONNECT trickled a byte at a time, a client that goes quiet after
 * connecting, half a packet and then nothing. The CONNECT timeout runs from the socket's opening, not from the
 * last byte, and after CONNECT the keep-alive closes a connection that sends nothing for 1.5 times its
 * interval [MQTT-3.1.2-24]. A client may not escape it with keep-alive 0 when the broker caps the interval
 * (5.0 Server Keep Alive [MQTT-3.2.2-21]); the keep-alive handling was mosquitto's CVE-2020-13849.
 */
class SlowlorisAttackTest extends AttackTest {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final int MAX_KEEP_ALIVE = 2;

    @Override
    BrokerSettings settings() {
        return BrokerSettings.defaults().withConnectTimeout(CONNECT_TIMEOUT).withMaxKeepAlive(MAX_KEEP_ALIVE);
    }

    @Test
    void connectTrickledByteByByteIsClosedAtTheConnectTimeout() throws Exception {
        ByteBuf encoded = MqttEncoder.encode(UnpooledByteBufAllocator.DEFAULT, RawMqttClient.connectPacket(MqttVersion.V3_1_1, "slow", true, 60), MqttVersion.V3_1_1);
        byte[] connect = ByteBufUtil.getBytes(encoded);
        encoded.release();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger sent = new AtomicInteger();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", broker.port()));
            long opened = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            // one byte every 250 ms: the whole CONNECT would take longer than the timeout
            trickle.scheduleAtFixedRate(() -> {
                int i = sent.get();
                if (i < connect.length) {
                    try {
                        out.write(connect[i]);
                        out.flush();
                        sent.incrementAndGet();
                    } catch (IOException closed) {
                        trickle.shutdown();
                    }
                }
            }, 0, 250, TimeUnit.MILLISECONDS);
            assertThat(readsEndOfStream(socket, Duration.ofSeconds(5))).as("closed by the broker").isTrue();
            long tookMillis = (System.nanoTime() - opened) / 1_000_000;
            assertThat(tookMillis).isBetween(CONNECT_TIMEOUT.toMillis() - 100, CONNECT_TIMEOUT.toMillis() + 2_000);
            assertThat(sent.get()).as("the CONNECT was never complete").isLessThan(connect.length);
            traffic.awaitProgress(20);
        } finally {
            trickle.shutdownNow();
        }
        survived();
    }

    @Test
    void silentClientWithKeepAliveZeroIsGivenServerKeepAliveAndClosed() throws Exception {
        try (RawMqttClient attacker = socket()) {
            attacker.send(RawMqttClient.connectPacket(MqttVersion.V5, "silent", true, 0));
            ConnAck ack = attacker.receive(ConnAck.class, WAIT);
            assertThat(ack.properties().integer(PropertyId.SERVER_KEEP_ALIVE, -1)).isEqualTo(MAX_KEEP_ALIVE);
            long start = System.nanoTime();
            Optional<MqttPacket> answer = attacker.poll(WAIT);
            assertThat(answer).get().isInstanceOf(Disconnect.class);
            assertThat(((Disconnect) answer.get()).reasonCode()).isEqualTo(ReasonCode.KEEP_ALIVE_TIMEOUT);
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(MAX_KEEP_ALIVE * 1_500L - 200);
            assertThat(attacker.awaitClosed(WAIT)).isTrue();
        }
        survived();
    }

    @Test
    void halfAPacketThenSilenceIsClosedByKeepAlive() throws Exception {
        try (RawMqttClient attacker = socket()) {
            attacker.send(RawMqttClient.connectPacket(MqttVersion.V3_1_1, "half-packet", true, 1));
            attacker.receive(ConnAck.class, WAIT);
            attacker.sendRaw(new byte[] {0x30, 0x40, 0x00, 0x03, 'a'}); // a PUBLISH of 64 bytes, 3 of them sent
            traffic.awaitProgress(10);
            assertThat(attacker.awaitClosed(WAIT)).isTrue();
        }
        survived();
    }

    /** Reads until end of stream or reset (true) or the deadline (false); discards what arrives. */
    static boolean readsEndOfStream(Socket socket, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        InputStream in = socket.getInputStream();
        byte[] sink = new byte[256];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException reset) {
                return true;
            }
        }
        return false;
    }
}
