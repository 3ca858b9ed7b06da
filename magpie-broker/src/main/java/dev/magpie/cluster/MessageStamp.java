package dev.magpie.cluster;

import java.util.Objects;

/**
 * Which node first routed a message and its number there. Every copy of the message across the cluster carries the
 * same stamp (the forwarded bytes, the sessions' queues, a hand-over between owners), so a node that gets one message
 * by two ways during a takeover (routed to it, and handed over by the previous owner) can tell a second copy of it
 * from a second message with the same content, and deliver it once [MQTT-4.3.3-10].
 *
 * <pre>{@code
 * MessageStamp stamp = new MessageStamp(self, 41);   // the 41st message node "a" routed in this run
 * }</pre>
 *
 * @param origin the node (and its run) that routed it first
 * @param seq    its number among the messages that node routed in that run, from 1
 */
public record MessageStamp(NodeIdentity origin, long seq) {
    public MessageStamp {
        Objects.requireNonNull(origin, "origin");
        if (seq <= 0) {
            throw new IllegalArgumentException("a message stamp counts from 1, was " + seq);
        }
    }
}
