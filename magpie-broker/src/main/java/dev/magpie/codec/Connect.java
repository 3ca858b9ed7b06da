package dev.magpie.codec;

/**
 * CONNECT. {@code username} and {@code password} are {@code null} when their flags are clear; {@code will}
 * is {@code null} without the Will flag. {@code cleanStart} is Clean Session for 3.1/3.1.1.
 */
public record Connect(MqttVersion version, String clientId, boolean cleanStart, int keepAliveSeconds,
                      String username, byte[] password, Will will, MqttProperties properties) implements MqttPacket {

    /** The Will Message carried by a CONNECT [MQTT-3.1.2-8]. */
    public record Will(String topic, byte[] payload, int qos, boolean retain, MqttProperties properties) {
    }

    @Override
    public PacketType type() {
        return PacketType.CONNECT;
    }

    @Override
    public String toString() {
        // never print the password
        return "Connect[" + version + ", clientId=" + clientId + ", cleanStart=" + cleanStart + ", keepAlive="
                + keepAliveSeconds + ", username=" + username + ", will=" + (will != null) + ", properties=" + properties + "]";
    }
}
