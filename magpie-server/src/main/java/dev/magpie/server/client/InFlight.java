package dev.magpie.server.client;

import dev.magpie.codec.PacketType;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.SubAck;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Our packets awaiting an answer, by packet id: QoS 1 and 2 publishes (settled by PUBACK, or PUBREC then
 * PUBCOMP) and subscribes (by SUBACK). It hands out packet ids no packet in flight uses [MQTT-2.2.1-3] and fails
 * everything still waiting when the connection ends. Used on the connection's event loop only.
 */
final class InFlight {

    /** What an answer did to the flow: settled a publish or subscribe, asks us to send PUBREL, or was unexpected. */
    enum Outcome { SETTLED, RELEASE, UNEXPECTED }

    private static final class Outgoing {
        final Publish publish;
        final CompletableFuture<Acknowledgement> settled;
        /** QoS 2: PUBREC came (its acknowledgement kept) and PUBREL was sent; PUBCOMP is awaited. */
        Acknowledgement received;

        Outgoing(Publish publish, CompletableFuture<Acknowledgement> settled) {
            this.publish = publish;
            this.settled = settled;
        }
    }

    private final Map<Integer, Outgoing> publishes = new HashMap<>();
    private final Map<Integer, CompletableFuture<SubAck>> subscribes = new HashMap<>();
    private int lastPacketId;

    /** The next packet id not in use by a publish or subscribe in flight [MQTT-2.2.1-3]. */
    int nextPacketId() {
        for (int tries = 0; tries < 65535; tries++) {
            lastPacketId = lastPacketId % 65535 + 1;
            if (!publishes.containsKey(lastPacketId) && !subscribes.containsKey(lastPacketId)) {
                return lastPacketId;
            }
        }
        throw new IllegalStateException("all 65535 packet ids are in flight");
    }

    void publishing(Publish publish, CompletableFuture<Acknowledgement> settled) {
        publishes.put(publish.packetId(), new Outgoing(publish, settled));
    }

    void subscribing(int packetId, CompletableFuture<SubAck> answer) {
        subscribes.put(packetId, answer);
    }

    Outcome subAck(SubAck ack) {
        CompletableFuture<SubAck> waiting = subscribes.remove(ack.packetId());
        if (waiting == null) {
            return Outcome.UNEXPECTED;
        }
        waiting.complete(ack);
        return Outcome.SETTLED;
    }

    /** PUBACK, PUBREC or PUBCOMP for one of our publishes. */
    Outcome answer(PubResponse response) {
        Outgoing o = publishes.get(response.packetId());
        boolean expected = o != null && (response.type() == PacketType.PUBACK ? o.publish.qos() == 1
                : response.type() == PacketType.PUBREC ? o.publish.qos() == 2 && o.received == null
                : o.publish.qos() == 2 && o.received != null);
        if (!expected) {
            return Outcome.UNEXPECTED;
        }
        Acknowledgement ack = new Acknowledgement(response.reasonCode(), response.properties());
        if (response.type() == PacketType.PUBREC && !ack.refused()) {
            // PUBREC 0x00 or 0x10: release; a failure code ends the flow here [MQTT-4.3.3-8]
            o.received = ack;
            return Outcome.RELEASE;
        }
        publishes.remove(response.packetId());
        boolean completed = response.type() == PacketType.PUBCOMP && !ReasonCode.isFailure(response.reasonCode());
        o.settled.complete(completed ? o.received : ack);
        return Outcome.SETTLED;
    }

    void failAll(ClientFailure why) {
        publishes.values().forEach(o -> o.settled.completeExceptionally(why));
        subscribes.values().forEach(waiting -> waiting.completeExceptionally(why));
        publishes.clear();
        subscribes.clear();
    }
}
