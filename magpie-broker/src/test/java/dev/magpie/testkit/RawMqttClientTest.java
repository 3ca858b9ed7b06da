package dev.magpie.testkit;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PingResp;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.ReasonCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Drives the client against a scripted loopback server that reads and writes fixed bytes. */
class RawMqttClientTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final ServerSocket server = newServer();

    private static ServerSocket newServer() {
        try {
            return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void closeServer() throws IOException {
        server.close();
    }

    /** Runs {@code script} on the accepted connection in the background. */
    private CompletableFuture<Void> serve(Script script) {
        return CompletableFuture.runAsync(() -> {
            try (Socket s = server.accept()) {
                script.run(new DataInputStream(s.getInputStream()), s.getOutputStream());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    interface Script {
        void run(DataInputStream in, OutputStream out) throws IOException;
    }

    private static byte[] read(DataInputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    @Test
    void connectPingAndClose() throws Exception {
        CompletableFuture<Void> done = serve((in, out) -> {
            byte[] connect = read(in, 16);
            assertThat(connect[0]).isEqualTo((byte) 0x10);
            assertThat(connect[8]).as("protocol level").isEqualTo((byte) 5);
            out.write(new byte[] {0x20, 0x03, 0x00, 0x00, 0x00});   // CONNACK 5.0, success
            out.write(new byte[] {0x40, 0x03, 0x00, 0x07, 0x10});   // PUBACK id 7, no matching subscribers
            assertThat(read(in, 2)).containsExactly(0xC0, 0x00);    // PINGREQ
            out.write(new byte[] {(byte) 0xD0, 0x00});              // PINGRESP
            out.flush();
        });
        try (RawMqttClient client = RawMqttClient.connect("127.0.0.1", server.getLocalPort())) {
            client.send(RawMqttClient.connectPacket(MqttVersion.V5, "c", true, 30));
            assertThat(client.version()).isEqualTo(MqttVersion.V5);
            ConnAck ack = client.receive(ConnAck.class, WAIT);
            assertThat(ack.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
            PubResponse puback = client.receive(PubResponse.class, WAIT);
            assertThat(puback.type()).isEqualTo(PacketType.PUBACK);
            assertThat(puback.reasonCode()).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
            client.sendRaw(new byte[] {(byte) 0xC0, 0x00});
            assertThat(client.receive(WAIT)).isSameAs(PingResp.INSTANCE);
            assertThat(client.awaitClosed(WAIT)).isTrue();
            assertThat(client.poll(Duration.ofMillis(10))).isEmpty();
            assertThatThrownBy(() -> client.receive(Duration.ofMillis(10))).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("closed");
        }
        done.get(5, TimeUnit.SECONDS);
    }

    @Test
    void timesOutWhenNothingArrives() throws Exception {
        CompletableFuture<Void> done = serve((in, out) -> assertThat(in.read()).isEqualTo(-1));
        try (RawMqttClient client = RawMqttClient.connect("127.0.0.1", server.getLocalPort())) {
            assertThat(client.poll(Duration.ofMillis(50))).isEmpty();
            assertThatThrownBy(() -> client.receive(Duration.ofMillis(20))).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("no packet");
            assertThat(client.awaitClosed(Duration.ofMillis(20))).isFalse();
        }
        done.get(5, TimeUnit.SECONDS);
    }

    @Test
    void packetSplitAcrossWritesIsReassembledAndWrongTypeFails() throws Exception {
        CompletableFuture<Void> done = serve((in, out) -> {
            out.write(new byte[] {0x20, 0x02});
            out.flush();
            out.write(new byte[] {0x01, 0x00});                     // CONNACK 3.1.1, session present
            out.flush();
            out.write(new byte[] {0x20, 0x02, 0x02, 0x00});          // reserved flag set: malformed
            out.flush();
            in.read();
        });
        try (RawMqttClient client = RawMqttClient.connect("127.0.0.1", server.getLocalPort())) {
            MqttPacket packet = client.receive(WAIT);
            assertThat(packet).isEqualTo(new ConnAck(true, 0, dev.magpie.codec.MqttProperties.EMPTY));
            assertThatThrownBy(() -> client.receive(PingResp.class, WAIT)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("malformed");
        }
        done.get(5, TimeUnit.SECONDS);
    }
}
