package dev.magpie.protocol;

import dev.magpie.codec.MqttDecoder;
import io.netty.channel.ChannelHandlerContext;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Where one connection is in its life, as one value: no loose flags beside it to disagree with it. Every change
 * is made on the connection's event loop except {@link #connackSent}, which the gate makes on the session's
 * thread as it writes the accepting CONNACK; hence an atomic, and compare-and-set where the two may meet.
 *
 * <p>{@link #close} is also where reading stops: once the broker has decided to close, whatever the client sent
 * after the packet that ended the connection is discarded unread (the socket is not read further and the decoder
 * drops what it has buffered), so it is neither acted on nor logged once per packet.
 */
final class ConnectionLife {

    enum State {
        /** Waiting for CONNECT (the connect timeout runs). */
        AWAIT_CONNECT,
        /** CONNECT received, being decided (authentication, AUTH exchanges); later packets are held. */
        AUTHENTICATING,
        /** The accepting CONNACK is written; the event loop has not taken the session yet. */
        CONNACK_SENT,
        /** Packets flow. */
        CONNECTED,
        /** The broker or the client ended it; the channel is not closed yet. */
        CLOSING,
        /** The channel is closed. */
        CLOSED
    }

    private final AtomicReference<State> state = new AtomicReference<>(State.AWAIT_CONNECT);

    State get() {
        return state.get();
    }

    boolean is(State s) {
        return state.get() == s;
    }

    /** CLOSING or CLOSED. */
    boolean isEnding() {
        State now = state.get();
        return now == State.CLOSING || now == State.CLOSED;
    }

    /** Whether a CONNACK has gone out and the connection is not ending: the client may be sent DISCONNECT [MQTT-3.14.0-1]. */
    static boolean clientIsIn(State s) {
        return s == State.CONNACK_SENT || s == State.CONNECTED;
    }

    void connectReceived() {
        state.set(State.AUTHENTICATING);
    }

    /** On the session's thread, right before the accepting CONNACK is written. */
    void connackSent() {
        state.compareAndSet(State.AUTHENTICATING, State.CONNACK_SENT);
    }

    /** CONNACK_SENT → CONNECTED; false if the connection is ending meanwhile. */
    boolean accept() {
        return state.compareAndSet(State.CONNACK_SENT, State.CONNECTED);
    }

    void closed() {
        state.set(State.CLOSED);
    }

    /** Enters CLOSING (unless CLOSED) and stops reading for good; returns the state it left. Event loop only. */
    State close(ChannelHandlerContext ctx, ReadGate reading) {
        State previous = state.getAndUpdate(s -> s == State.CLOSED ? s : State.CLOSING);
        reading.pause(ReadGate.Reason.CLOSING);
        MqttDecoder decoder = ctx.pipeline().get(MqttDecoder.class);
        if (decoder != null) {
            decoder.discardInput();
        }
        return previous;
    }
}
