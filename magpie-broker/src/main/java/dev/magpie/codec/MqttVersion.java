package dev.magpie.codec;

/** The protocol levels Magpie speaks; the name and level are those a CONNECT must carry [MQTT-3.1.2-1]. */
public enum MqttVersion {
    V3_1("MQIsdp", 3),
    V3_1_1("MQTT", 4),
    V5("MQTT", 5);

    private final String protocolName;
    private final int level;

    MqttVersion(String protocolName, int level) {
        this.protocolName = protocolName;
        this.level = level;
    }

    public String protocolName() {
        return protocolName;
    }

    public int level() {
        return level;
    }

    public boolean isV5() {
        return this == V5;
    }
}
