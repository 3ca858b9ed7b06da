package dev.magpie;

import java.time.Duration;

/**
 * Protocol limits and timeouts, immutable. Start from {@link #defaults()} and change what you need with the
 * {@code with…} methods. Every value is enforced by the broker and, for 5.0 clients, advertised in CONNACK.
 *
 * @param maxPacketSize          largest packet accepted, in bytes; larger ones close the connection (0x95)
 * @param connectTimeout         how long a new socket may take to send CONNECT
 * @param maxKeepAlive           cap on a client's keep-alive; 5.0 clients are told via Server Keep Alive
 * @param receiveMaximum         QoS 1/2 PUBLISHes a client may have unacknowledged towards the broker (5.0)
 * @param maxInflight            QoS 1/2 messages the broker sends before waiting for acknowledgements
 * @param maxQueuedMessages      messages queued per session (offline or beyond the in-flight window)
 * @param maxSessionExpiry       upper bound of a 5.0 session expiry interval; also the lifetime of
 *                               persistent 3.1.1 sessions
 * @param authenticationTimeout  how long the authenticator chain may take before the client is refused
 * @param queueQos0Messages      whether QoS 0 messages are queued (and, with a store, persisted) for persistent
 *                               sessions whose client is offline, as mosquitto's {@code queue_qos0_messages};
 *                               off by default: QoS 0 carries no delivery promise [MQTT-3.1.2-5]
 */
public record BrokerSettings(int maxPacketSize, Duration connectTimeout, int maxKeepAlive, int receiveMaximum,
                             int maxInflight, int maxQueuedMessages, Duration maxSessionExpiry,
                             Duration authenticationTimeout, boolean queueQos0Messages) {

    public BrokerSettings {
        if (maxPacketSize < 16 || maxPacketSize > 268_435_460) {
            throw new IllegalArgumentException("maxPacketSize must be 16..268435460, was " + maxPacketSize);
        }
        if (receiveMaximum < 1 || receiveMaximum > 65_535) {
            throw new IllegalArgumentException("receiveMaximum must be 1..65535, was " + receiveMaximum);
        }
        if (maxInflight < 1 || maxInflight > 65_535) {
            throw new IllegalArgumentException("maxInflight must be 1..65535, was " + maxInflight);
        }
        if (maxKeepAlive < 0 || maxKeepAlive > 65_535) {
            throw new IllegalArgumentException("maxKeepAlive must be 0..65535, was " + maxKeepAlive);
        }
        if (maxQueuedMessages < 0) {
            throw new IllegalArgumentException("maxQueuedMessages must be >= 0, was " + maxQueuedMessages);
        }
    }

    /** 256 KiB packets, 10 s to CONNECT, keep-alive up to 65535 s, 100 in flight, 1000 queued, 1 day sessions. */
    public static BrokerSettings defaults() {
        return new BrokerSettings(256 * 1024, Duration.ofSeconds(10), 65_535, 100, 100, 1000,
                Duration.ofDays(1), Duration.ofSeconds(5), false);
    }

    public BrokerSettings withMaxPacketSize(int v) {
        return new BrokerSettings(v, connectTimeout, maxKeepAlive, receiveMaximum, maxInflight, maxQueuedMessages, maxSessionExpiry, authenticationTimeout, queueQos0Messages);
    }

    public BrokerSettings withConnectTimeout(Duration v) {
        return new BrokerSettings(maxPacketSize, v, maxKeepAlive, receiveMaximum, maxInflight, maxQueuedMessages, maxSessionExpiry, authenticationTimeout, queueQos0Messages);
    }

    public BrokerSettings withMaxKeepAlive(int v) {
        return new BrokerSettings(maxPacketSize, connectTimeout, v, receiveMaximum, maxInflight, maxQueuedMessages, maxSessionExpiry, authenticationTimeout, queueQos0Messages);
    }

    public BrokerSettings withReceiveMaximum(int v) {
        return new BrokerSettings(maxPacketSize, connectTimeout, maxKeepAlive, v, maxInflight, maxQueuedMessages, maxSessionExpiry, authenticationTimeout, queueQos0Messages);
    }

    public BrokerSettings withMaxInflight(int v) {
        return new BrokerSettings(maxPacketSize, connectTimeout, maxKeepAlive, receiveMaximum, v, maxQueuedMessages, maxSessionExpiry, authenticationTimeout, queueQos0Messages);
    }

    public BrokerSettings withMaxQueuedMessages(int v) {
        return new BrokerSettings(maxPacketSize, connectTimeout, maxKeepAlive, receiveMaximum, maxInflight, v, maxSessionExpiry, authenticationTimeout, queueQos0Messages);
    }

    public BrokerSettings withMaxSessionExpiry(Duration v) {
        return new BrokerSettings(maxPacketSize, connectTimeout, maxKeepAlive, receiveMaximum, maxInflight, maxQueuedMessages, v, authenticationTimeout, queueQos0Messages);
    }

    public BrokerSettings withAuthenticationTimeout(Duration v) {
        return new BrokerSettings(maxPacketSize, connectTimeout, maxKeepAlive, receiveMaximum, maxInflight, maxQueuedMessages, maxSessionExpiry, v, queueQos0Messages);
    }

    public BrokerSettings withQueueQos0Messages(boolean v) {
        return new BrokerSettings(maxPacketSize, connectTimeout, maxKeepAlive, receiveMaximum, maxInflight, maxQueuedMessages, maxSessionExpiry,
                authenticationTimeout, v);
    }
}
