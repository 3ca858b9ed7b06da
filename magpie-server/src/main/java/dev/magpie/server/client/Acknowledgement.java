package dev.magpie.server.client;

import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.ReasonCode;

/**
 * How the broker settled one of our publishes: the reason code of its PUBACK, or of PUBREC/PUBCOMP for QoS 2
 * (0x00 success, 0x10 no matching subscribers, 0x80 and above a refusal), with the packet's 5.0 properties (a
 * Reason String, if the broker gave one). QoS 0 and 3.1.1 acknowledgements always read 0x00.
 */
public record Acknowledgement(int reasonCode, MqttProperties properties) {

    static final Acknowledgement SENT = new Acknowledgement(ReasonCode.SUCCESS, MqttProperties.EMPTY);

    public boolean refused() {
        return ReasonCode.isFailure(reasonCode);
    }

    /** {@code not authorized (0x87): "reason"}, for messages. */
    public String words() {
        return Refusals.words(reasonCode, properties);
    }
}
