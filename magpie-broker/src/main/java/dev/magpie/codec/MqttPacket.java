package dev.magpie.codec;

/**
 * One MQTT control packet. The records below are the whole model; the decoder produces them and the
 * encoder writes them for a given {@link MqttVersion}. Fields that a version lacks (properties, reason
 * codes before 5.0) hold neutral values ({@link MqttProperties#EMPTY}, {@link ReasonCode#SUCCESS}).
 */
public sealed interface MqttPacket permits Connect, ConnAck, Publish, PubResponse, Subscribe, SubAck, Unsubscribe,
        UnsubAck, PingReq, PingResp, Disconnect, Auth {

    PacketType type();
}
