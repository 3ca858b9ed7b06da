package dev.magpie.protocol;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import dev.magpie.observe.BrokerMetrics;
import dev.magpie.observe.LogSafe;
import io.netty.channel.ChannelFutureListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * How a CONNECT is refused, whatever the reason: one log line, the count, a CONNACK with the reason code and (5.0)
 * the Reason String and Server Reference, fitted to the client's Maximum Packet Size [MQTT-3.2.2-19], then the close
 * [MQTT-3.2.2-5]. Apart from {@link ConnectGate} so that the gate reads as the order of its decisions while the way a
 * refusal reaches the client has one home. It logs under the gate's name, the one operators and tests know. Called
 * on the thread of the gate step that refuses (Netty writes are thread-safe).
 */
final class ConnectRefusal {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectGate.class);

    private final MqttConnection connection;
    private final BrokerMetrics metrics;

    ConnectRefusal(MqttConnection connection, BrokerMetrics metrics) {
        this.connection = connection;
        this.metrics = metrics;
    }

    /** Refuses by the client id rule's verdict, counting the limit it names. */
    void refuse(ClientIdGate.Verdict verdict) {
        metrics.limitHit(verdict.limit());
        refuse(verdict.refusal(), verdict.reason());
    }

    void refuse(int reasonCode, String reason) {
        refuse(reasonCode, reason, null);
    }

    /** Logs, counts, answers and closes; {@code serverReference} (or null) goes with 0x9C / 0x9D in 5.0. */
    void refuse(int reasonCode, String reason, String serverReference) {
        LOG.info("{}: connection refused: {} (0x{})", connection.remoteAddress(), LogSafe.text(reason), Integer.toHexString(reasonCode));
        answer(reasonCode, reason, serverReference);
    }

    /**
     * Counts and answers a refusal, and closes, without a log line of its own: for refusals that come in floods
     * (throttled authentication), which their source logs at a bounded rate.
     */
    /**
     * What the Reason String says (CWE-204, user enumeration by response): the log line keeps why, but a client refused
     * for its credentials learns only that they failed, never whether the user name exists ("unknown user x" and
     * "wrong password for user 'x'" told an attacker which names to try passwords on).
     */
    static String toldTheClient(int reasonCode, String reason) {
        return reasonCode == ReasonCode.BAD_USER_NAME_OR_PASSWORD ? "bad user name or password" : reason;
    }

    void answer(int reasonCode, String reason, String serverReference) {
        metrics.connectRefused();
        MqttProperties props = MqttProperties.EMPTY;
        if (connection.version().isV5()) {
            MqttProperties.Builder b = MqttProperties.builder().string(PropertyId.REASON_STRING, toldTheClient(reasonCode, reason));
            if (serverReference != null) {
                b.string(PropertyId.SERVER_REFERENCE, serverReference);
            }
            props = b.build();
        }
        // the Reason String must not make the CONNACK larger than the client accepts [MQTT-3.2.2-19]
        Optional<MqttProperties> fitted = ProblemInformation.fit(props, p -> new ConnAck(false, reasonCode, p),
                connection.version(), connection.maxPacketSize());
        if (fitted.isEmpty()) {
            cannotAnswer(reasonCode);
            return;
        }
        connection.refused();
        // [MQTT-3.2.2-5]: a refusing CONNACK has Session Present 0, then the connection is closed
        connection.context().writeAndFlush(new ConnAck(false, reasonCode, fitted.get())).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Not even the CONNACK without Reason String and User Properties fits the client's Maximum Packet Size: nothing
     * may be sent [MQTT-3.1.2-24], so the client is closed without an answer (and without a session). Also for an
     * accepting CONNACK ({@code reasonCode} 0x00) that does not fit, which is then counted as a refusal.
     */
    void cannotAnswer(int reasonCode) {
        if (reasonCode == ReasonCode.SUCCESS) {
            metrics.connectRefused();
        }
        LOG.info("{}: closed without CONNACK 0x{}: it would exceed the client's Maximum Packet Size of {} bytes [MQTT-3.1.2-24]",
                connection.remoteAddress(), Integer.toHexString(reasonCode), connection.maxPacketSize());
        connection.refused();
        connection.context().close();
    }
}
