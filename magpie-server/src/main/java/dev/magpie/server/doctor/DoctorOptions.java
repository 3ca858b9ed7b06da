package dev.magpie.server.doctor;

import dev.magpie.codec.MqttVersion;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * How to check: the time each step may take, which roots to trust, and how to log in over MQTT.
 *
 * @param timeout  for each step that waits on the network (DNS, connect, TLS handshake, upgrade, CONNACK)
 * @param trust    the roots a certificate chain must lead to
 * @param login    the CONNECT to send
 */
public record DoctorOptions(Duration timeout, TrustAnchors trust, MqttLogin login) {

    public DoctorOptions {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(login, "login");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive, was " + timeout);
        }
    }

    /**
     * The CONNECT {@code magpie doctor} sends: a clean session with a 60 s keep-alive.
     *
     * @param username {@code null} for an anonymous CONNECT
     * @param password {@code null} for none; only sent with a user name in 3.1.1 [MQTT-3.1.2-22]
     */
    public record MqttLogin(MqttVersion version, String clientId, String username, byte[] password) {
        public MqttLogin {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(clientId, "clientId");
            password = password == null ? null : password.clone();
        }

        @Override
        public byte[] password() {
            return password == null ? null : password.clone();
        }

        boolean hasPassword() {
            return password != null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MqttLogin other && version == other.version && clientId.equals(other.clientId)
                    && Objects.equals(username, other.username) && Arrays.equals(password, other.password);
        }

        @Override
        public int hashCode() {
            return Objects.hash(version, clientId, username, Arrays.hashCode(password));
        }

        @Override
        public String toString() {
            return "MqttLogin[" + version + ", clientId=" + clientId + ", username=" + username + "]"; // never the password
        }
    }
}
