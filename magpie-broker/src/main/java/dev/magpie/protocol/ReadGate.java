package dev.magpie.protocol;

import dev.magpie.codec.MqttDecoder;
import io.netty.channel.Channel;

import java.util.EnumSet;
import java.util.Set;

/**
 * The one place that decides whether a client's socket is read: several parts of a connection have their own
 * reason to stop reading it, and reading resumes only when none of them holds any more. Without one home the
 * reasons overwrite each other (the rate throttle turning reading back on while the output is still full, or while
 * the CONNECT is being decided).
 *
 * <p>{@link Reason#OUTPUT_FULL} and {@link Reason#YIELD} also hold the decoder ({@link MqttDecoder#holdInput}): each packet decoded while
 * the output is full would add an answer to it (a PINGRESP per PINGREQ), so the packets already read wait as bytes.
 * That is the backpressure a client that sends and never reads meets: its answers stay below the high-water mark
 * plus one read's worth, the socket is no longer read, and its own writes block.
 *
 * <p>Confined to the connection's event loop:
 * <pre>{@code
 * gate.pause(ReadGate.Reason.RATE);       // auto-read off
 * gate.pause(ReadGate.Reason.OUTPUT_FULL);
 * gate.resume(ReadGate.Reason.RATE);      // still off: the output is full
 * gate.resume(ReadGate.Reason.OUTPUT_FULL); // auto-read on again
 * }</pre>
 */
final class ReadGate {

    /** Why reading is paused. */
    enum Reason {
        /** The CONNECT is being decided, and it is not the client's turn to answer an AUTH challenge. */
        CONNECT_PENDING,
        /** The client publishes faster than its configured rate ({@link PublishThrottle}). */
        RATE,
        /** The channel is not writable: the client does not take its answers off the socket. */
        OUTPUT_FULL,
        /**
         * The connection has had its share of this event-loop turn (a burst of packets in one read): the rest waits
         * for the next turn, so one client's flood cannot keep the loop from the other connections it serves.
         */
        YIELD,
        /** The broker has decided to close; nothing more is read. Never resumed. */
        CLOSING
    }

    private final Channel channel;
    private final Set<Reason> reasons = EnumSet.noneOf(Reason.class);

    ReadGate(Channel channel) {
        this.channel = channel;
    }

    /** Stops reading for {@code reason} (nothing happens if it already holds). */
    void pause(Reason reason) {
        if (!reasons.add(reason)) {
            return;
        }
        if (holdsDecoding(reason)) {
            MqttDecoder decoder = channel.pipeline().get(MqttDecoder.class);
            if (decoder != null) {
                decoder.holdInput();
            }
        }
        channel.config().setAutoRead(false);
    }

    /** Drops {@code reason}; reading resumes if no other reason holds. */
    void resume(Reason reason) {
        if (reason == Reason.CLOSING || !reasons.remove(reason)) {
            return;
        }
        if (holdsDecoding(reason) && !reasons.contains(Reason.OUTPUT_FULL) && !reasons.contains(Reason.YIELD)) {
            MqttDecoder decoder = channel.pipeline().get(MqttDecoder.class);
            if (decoder != null) {
                decoder.releaseInput();
            }
        }
        if (reasons.isEmpty()) {
            channel.config().setAutoRead(true);
        }
    }

    /** The reasons that also stop decoding what was already read, not only reading more. */
    private static boolean holdsDecoding(Reason reason) {
        return reason == Reason.OUTPUT_FULL || reason == Reason.YIELD;
    }

    /** Whether {@code reason} holds. */
    boolean holds(Reason reason) {
        return reasons.contains(reason);
    }

    /** Whether reading is paused at all. */
    boolean isPaused() {
        return !reasons.isEmpty();
    }

    /**
     * Whether the broker paused reading for its own reasons while the client is connected (its rate, or answers it does
     * not take): then the client's silence on the wire says nothing about it, and keep-alive must not count it.
     */
    boolean pausedByBroker() {
        return reasons.contains(Reason.RATE) || reasons.contains(Reason.OUTPUT_FULL);
    }
}
