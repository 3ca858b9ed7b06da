package dev.magpie.server.client;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;

/**
 * A broker's reason code as the one line a user reads: the words ({@link ReasonCode#describe}), the number as it
 * came on the wire, and the broker's Reason String when it sent one, e.g.
 * {@code not authorized (0x87): "ACL denies sensors/#"}. 3.1.1 CONNACKs show their return code instead.
 */
public final class Refusals {

    private Refusals() {
    }

    /** {@code words (0xNN)} plus the 5.0 Reason String, if any. */
    public static String words(int reasonCode, MqttProperties properties) {
        return String.format("%s (0x%02X)", ReasonCode.describe(reasonCode), reasonCode) + reasonString(properties);
    }

    /** Why a CONNACK refused, in the connection's version, with a hint where one change is the likely fix. */
    static String connAck(ConnAck ack, MqttVersion version) {
        int code = ack.reasonCode();
        String shown = version.isV5() ? words(code, ack.properties())
                : ReasonCode.describe(code) + " (return code " + ReasonCode.toV3ConnackCode(code) + ")";
        return switch (code) {
            case ReasonCode.UNSUPPORTED_PROTOCOL_VERSION -> shown + "; try another MQTT version (-V 311, -V 5)";
            case ReasonCode.USE_ANOTHER_SERVER, ReasonCode.SERVER_MOVED -> shown
                    + ack.properties().string(PropertyId.SERVER_REFERENCE).map(r -> "; the broker points to " + r).orElse("");
            default -> shown;
        };
    }

    private static String reasonString(MqttProperties properties) {
        return properties.string(PropertyId.REASON_STRING).map(r -> ": \"" + r + "\"").orElse("");
    }
}
