package dev.magpie.server.crash;

import java.time.Duration;

/**
 * The part of an MQTT client the crash workload uses, the same over Paho 3.1.1 ({@link PahoV3Link}) and Paho
 * 5.0 ({@link PahoV5Link}), so the publisher and subscriber logic is written once. Every link is a persistent
 * session (3.1.1 Clean Session 0; 5.0 Clean Start 0 with a Session Expiry Interval) whose client keeps its own
 * in-flight state in memory across reconnects: the broker crashes, the client process does not.
 */
interface MqttLink extends AutoCloseable {

    /** Callbacks from Paho's threads. */
    interface Events {
        /** An application message; {@code packetId} 0 for QoS 0. */
        default void message(String topic, byte[] payload, int qos, int packetId, boolean duplicate, boolean retained) {
        }

        /**
         * The broker answered our QoS 2 PUBLISH with PUBREC: from then on it owns the message [MQTT-4.3.3-2], so
         * the harness counts it as acknowledged although Paho completes the token only on PUBCOMP.
         */
        default void pubRec(byte[] payload) {
        }

        /** Paho sent PUBCOMP for an inbound QoS 2 packet id: the id is free, a PUBLISH with it is a new message. */
        default void inboundReleased(int packetId) {
        }

        /** The connection ended; {@code serverReason} is the reason code of the broker's DISCONNECT, or -1. */
        default void lost(String cause, int serverReason) {
        }
    }

    /** Why an operation failed, as far as the harness cares. */
    final class LinkException extends Exception {
        enum Kind { NOT_CONNECTED, UNREACHABLE, REFUSED, TIMEOUT, OTHER }

        final Kind kind;
        final int code;

        LinkException(Kind kind, int code, String message, Throwable cause) {
            super(kind + " (" + code + "): " + message, cause);
            this.kind = kind;
            this.code = code;
        }
    }

    /** What a publisher learns about one message. */
    interface Delivery {
        /** PUBACK (QoS 1) or PUBCOMP (QoS 2) with success; {@code reason} is the 5.0 reason code, 0 in 3.1.1. */
        void completed(int reason);

        /** Paho gave the message up (the token failed); it may or may not have reached the broker. */
        void failed(String why);
    }

    String clientId();

    /** One CONNECT; returns Session Present. */
    boolean connect(Duration timeout) throws LinkException;

    boolean isConnected();

    /** Hands the message to Paho, which sends it now and again (DUP) after each reconnect until acknowledged. */
    void publish(String topic, byte[] payload, int qos, boolean retain, Delivery delivery) throws LinkException;

    /** SUBSCRIBE and wait for SUBACK; returns the granted QoS (>= 0x80 is a refusal). */
    int subscribe(String filter, int qos, Duration timeout) throws LinkException;

    /** Ends the TCP connection without DISCONNECT, as a crashing client or a broken network would: its will is due. */
    void dropWithoutDisconnect();

    /** DISCONNECT (if connected) and release Paho's threads. */
    @Override
    void close();
}
