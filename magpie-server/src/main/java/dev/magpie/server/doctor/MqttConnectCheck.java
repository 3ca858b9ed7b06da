package dev.magpie.server.doctor;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttDecoder;
import dev.magpie.codec.MqttEncoder;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The MQTT handshake: a CONNECT (clean session, the given client id and credentials) and the server's CONNACK,
 * decoded by the broker's own strict codec, so a malformed CONNACK is reported as such. A refusal is explained
 * with the return code's meaning and what to change. On success the connection is ended with DISCONNECT.
 */
final class MqttConnectCheck {

    private static final int KEEP_ALIVE_SECONDS = 60;
    private static final int MAX_PACKET = 64 * 1024;

    private MqttConnectCheck() {
    }

    static CheckResult run(MqttLink link, Connection connection, DoctorOptions.MqttLogin login, Duration timeout) {
        MqttVersion version = login.version();
        String versionText = version.isV5() ? "MQTT 5.0" : "MQTT 3.1.1";
        Connect connect = new Connect(version, login.clientId(), true, KEEP_ALIVE_SECONDS, login.username(),
                login.username() != null || version.isV5() ? login.password() : null, null, MqttProperties.EMPTY);
        EmbeddedChannel decoder = new EmbeddedChannel(MqttDecoder.forClient(version, MAX_PACKET));
        connection.startStep(timeout);
        try {
            link.send(bytes(connect, version));
            MqttPacket packet = nextPacket(link, decoder);
            if (!(packet instanceof ConnAck ack)) {
                return CheckResult.fail(Check.MQTT, "the server answered CONNECT with " + packet.type()
                        + " instead of CONNACK", "the server does not speak MQTT correctly; see its log");
            }
            if (ack.reasonCode() != ReasonCode.SUCCESS) {
                return refused(ack, version, login);
            }
            link.send(bytes(new Disconnect(ReasonCode.NORMAL_DISCONNECTION, MqttProperties.EMPTY), version));
            link.closeGracefully();
            return CheckResult.pass(Check.MQTT, "CONNACK accepted (" + versionText + ", client id " + login.clientId()
                    + (login.username() == null ? ", anonymous" : ", user " + login.username()) + serverLimits(ack) + ")");
        } catch (MqttLink.ClosedException e) {
            return CheckResult.fail(Check.MQTT, "the server closed the WebSocket instead of answering CONNECT (code "
                    + e.code() + (e.getMessage().isEmpty() ? "" : ": " + e.getMessage()) + ")", closedFix(version));
        } catch (SocketTimeoutException e) {
            return CheckResult.fail(Check.MQTT, "no CONNACK within " + Durations.text(timeout),
                    "the server does not answer MQTT here: check that this path/port leads to an MQTT broker, and its"
                            + " authentication backend");
        } catch (EOFException e) {
            return connection.clientCertificateRequested() ? droppedForCertificate(e)
                    : CheckResult.fail(Check.MQTT, "the server closed the connection instead of answering CONNECT",
                    closedFix(version));
        } catch (DecoderException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return CheckResult.fail(Check.MQTT, "the server's answer is not valid MQTT: " + cause.getMessage(),
                    "this is not an MQTT " + (version.isV5() ? "5.0" : "3.1.1") + " broker, or a faulty one");
        } catch (IOException e) {
            return connection.clientCertificateRequested() ? droppedForCertificate(e)
                    : CheckResult.fail(Check.MQTT, "the connection failed during CONNECT: " + e.getMessage(),
                    "see the server's log");
        } finally {
            decoder.finishAndReleaseAll();
        }
    }

    private static CheckResult droppedForCertificate(IOException e) {
        return CheckResult.fail(Check.MQTT, "the server asked for a client certificate and dropped the connection"
                + " without one (" + e.getMessage() + ")", TlsCheck.MUTUAL_TLS_FIX);
    }

    private static MqttPacket nextPacket(MqttLink link, EmbeddedChannel decoder) throws IOException {
        int received = 0;
        while (true) {
            byte[] chunk = link.receive();
            received += chunk.length;
            decoder.writeInbound(Unpooled.wrappedBuffer(chunk)); // a DecoderException propagates from here
            MqttPacket packet = decoder.readInbound();
            if (packet != null) {
                return packet;
            }
            if (received > MAX_PACKET) {
                throw new IOException("the server sent " + received + " bytes and no complete packet");
            }
        }
    }

    private static CheckResult refused(ConnAck ack, MqttVersion version, DoctorOptions.MqttLogin login) {
        int code = ack.reasonCode();
        String shown = version.isV5() ? String.format("reason code 0x%02X", code)
                : "return code " + ReasonCode.toV3ConnackCode(code);
        String reason = ack.properties().string(PropertyId.REASON_STRING).map(r -> ": \"" + r + "\"").orElse("");
        return CheckResult.fail(Check.MQTT, "CONNACK refused the connection, " + shown + " (" + ReasonCode.describe(code) + ")"
                + reason, refusalFix(code, version, login, ack.properties()));
    }

    private static String refusalFix(int code, MqttVersion version, DoctorOptions.MqttLogin login,
                                     MqttProperties properties) {
        return switch (code) {
            case ReasonCode.UNSUPPORTED_PROTOCOL_VERSION -> version.isV5()
                    ? "the server does not speak MQTT 5: try --mqtt-version 3.1.1 (MQTT.js's default, protocolVersion 4)"
                    : "the server does not speak MQTT 3.1.1: try --mqtt-version 5";
            case ReasonCode.CLIENT_IDENTIFIER_NOT_VALID ->
                    "the server refuses the client id '" + login.clientId() + "': try another --client-id";
            case ReasonCode.BAD_USER_NAME_OR_PASSWORD -> login.username() == null
                    ? "the server wants credentials: pass --username and --password"
                    : "check --username and --password against the server's users (bin/magpie user list on a Magpie server)";
            case ReasonCode.NOT_AUTHORIZED -> login.username() == null
                    ? "this listener refuses anonymous clients: pass --username and --password (or allow anonymous)"
                    : "user " + login.username() + " may not connect here: check the server's users, ACL and bans";
            case ReasonCode.SERVER_UNAVAILABLE -> "the server's authentication backend did not answer; see its log";
            case ReasonCode.USE_ANOTHER_SERVER, ReasonCode.SERVER_MOVED -> "connect to "
                    + properties.string(PropertyId.SERVER_REFERENCE).orElse("the server it names");
            default -> "see the server's log for why it refused the connection";
        };
    }

    private static String closedFix(MqttVersion version) {
        return "see the server's log: a server closes like this when it refuses the CONNECT without a CONNACK, e.g. an"
                + (version.isV5() ? " MQTT 3.1.1-only broker given 5.0 (try --mqtt-version 3.1.1)"
                : " unknown protocol version or a malformed packet");
    }

    /** What a 5.0 CONNACK says about the session's limits, for the report. */
    private static String serverLimits(ConnAck ack) {
        MqttProperties p = ack.properties();
        List<String> parts = new ArrayList<>();
        p.string(PropertyId.ASSIGNED_CLIENT_IDENTIFIER).ifPresent(id -> parts.add("assigned id " + id));
        p.integer(PropertyId.SERVER_KEEP_ALIVE).ifPresent(k -> parts.add("server keep-alive " + k + " s"));
        p.integer(PropertyId.MAXIMUM_QOS).ifPresent(q -> parts.add("maximum QoS " + q));
        p.integer(PropertyId.MAXIMUM_PACKET_SIZE).ifPresent(m -> parts.add("maximum packet " + m + " bytes"));
        return parts.isEmpty() ? "" : "; " + String.join(", ", parts);
    }

    private static byte[] bytes(MqttPacket packet, MqttVersion version) {
        ByteBuf buf = MqttEncoder.encode(UnpooledByteBufAllocator.DEFAULT, packet, version);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
