package dev.magpie.protocol;

import dev.magpie.codec.MqttPacket;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a connection keeps from its start until its client is in: the deadline for the CONNECT, and the packets that
 * arrive while the gate decides it. Those are held and replayed in order once the client is in, and dropped if it is
 * refused ([MQTT-3.1.4-5] in 3.1.1, [MQTT-3.1.4-6] in 5.0); the socket is not read meanwhile
 * ({@link ReadGate.Reason#CONNECT_PENDING}), so they are at most one read's worth. Apart from {@link MqttConnection}
 * so that its handler reads as its states, not as the bookkeeping of the first moments. Logs under the connection's
 * name. Event loop only.
 */
final class PendingConnect {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    /** Made at the first packet held: most clients send nothing before their CONNACK, and each connection counts. */
    private ArrayDeque<MqttPacket> held;
    /** Null once the CONNECT is here: a connection keeps nothing of its first moments for the rest of its life. */
    private ScheduledFuture<?> deadline;

    /**
     * Closes the connection if it is still {@code awaiting} a CONNECT after {@code timeoutMillis}; {@code remote}
     * names the client for the log line (asked then: a PROXY header may teach its address meanwhile).
     */
    void awaitConnect(ChannelHandlerContext ctx, long timeoutMillis, BooleanSupplier awaiting, Supplier<String> remote) {
        deadline = ctx.executor().schedule(() -> {
            if (awaiting.getAsBoolean()) {
                LOG.info("{}: no CONNECT within {} ms, closing", remote.get(), timeoutMillis);
                ctx.close();
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** The CONNECT is here: its deadline is off. */
    void connectArrived() {
        cancelDeadline();
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /** Keeps a packet that came while the CONNECT is being decided. */
    void hold(MqttPacket packet) {
        if (held == null) {
            held = new ArrayDeque<>(4);
        }
        held.add(packet);
    }

    /** Hands the held packets in order to {@code dispatch}, for as long as the connection stays {@code connected}. */
    void replay(Consumer<MqttPacket> dispatch, BooleanSupplier connected) {
        while (held != null && !held.isEmpty() && connected.getAsBoolean()) {
            dispatch.accept(held.poll());
        }
        held = null;
    }

    /** The connection is closed: no deadline, and the packets never acted on are dropped. */
    void closed() {
        cancelDeadline();
        held = null;
    }
}
