package dev.magpie.server.client;

import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;

/**
 * What the client's CONNECT says: protocol version, client id, clean or persistent session, keep-alive and
 * credentials, and a will. {@code username}, {@code password} and {@code will} are null when not sent, as in the
 * codec's {@link Connect}.
 *
 * <pre>{@code
 * ClientLogin login = ClientLogin.anonymous(MqttVersion.V5, "sensor-7").withCredentials("test", "123456".getBytes(UTF_8));
 * }</pre>
 *
 * @param sessionExpirySeconds 5.0 only: how long the broker keeps the session after a disconnect; 0 ends it with
 *                             the connection, {@link #NEVER_EXPIRES} keeps it for good [MQTT-3.1.2-23]
 */
public record ClientLogin(MqttVersion version, String clientId, boolean cleanStart, long sessionExpirySeconds,
                          int keepAliveSeconds, String username, byte[] password, Connect.Will will) {

    /** Session Expiry Interval 0xFFFFFFFF: the session does not expire [MQTT-3.1.2.11.2]. */
    public static final long NEVER_EXPIRES = 0xFFFF_FFFFL;

    public ClientLogin {
        if (keepAliveSeconds < 0 || keepAliveSeconds > 65535) {
            throw new IllegalArgumentException("keep-alive " + keepAliveSeconds + " s is not in 0..65535");
        }
        if (sessionExpirySeconds < 0 || sessionExpirySeconds > NEVER_EXPIRES) {
            throw new IllegalArgumentException("session expiry " + sessionExpirySeconds + " s is not in 0..4294967295");
        }
        if (sessionExpirySeconds > 0 && !version.isV5()) {
            throw new IllegalArgumentException("a session expiry interval needs MQTT 5.0 (-V 5)");
        }
        if (password != null && username == null && !version.isV5()) {
            throw new IllegalArgumentException("MQTT 3.1/3.1.1 sends no password without a user name [MQTT-3.1.2-22]");
        }
    }

    /** A clean session, keep-alive 60 s, no credentials. */
    public static ClientLogin anonymous(MqttVersion version, String clientId) {
        return new ClientLogin(version, clientId, true, 0, 60, null, null, null);
    }

    public ClientLogin withCredentials(String user, byte[] secret) {
        return new ClientLogin(version, clientId, cleanStart, sessionExpirySeconds, keepAliveSeconds, user, secret, will);
    }

    /** The same with a will: the message the broker publishes if this connection ends without DISCONNECT. */
    public ClientLogin withWill(Connect.Will newWill) {
        return new ClientLogin(version, clientId, cleanStart, sessionExpirySeconds, keepAliveSeconds, username, password,
                newWill);
    }

    /** The CONNECT packet; {@code maxPacketSize} is announced in 5.0 so the broker sends nothing larger. */
    Connect toConnect(int maxPacketSize) {
        MqttProperties properties = MqttProperties.EMPTY;
        if (version.isV5()) {
            MqttProperties.Builder p = MqttProperties.builder().integer(PropertyId.MAXIMUM_PACKET_SIZE, maxPacketSize);
            if (sessionExpirySeconds > 0) {
                p.integer(PropertyId.SESSION_EXPIRY_INTERVAL, (int) sessionExpirySeconds);
            }
            properties = p.build();
        }
        return new Connect(version, clientId, cleanStart, keepAliveSeconds, username, password, will, properties);
    }

    @Override
    public String toString() {
        // never print the password
        return "ClientLogin[" + version + ", clientId=" + clientId + ", cleanStart=" + cleanStart + ", sessionExpiry="
                + sessionExpirySeconds + ", keepAlive=" + keepAliveSeconds + ", username=" + username + ", will="
                + (will == null ? "none" : will.topic()) + "]";
    }
}
