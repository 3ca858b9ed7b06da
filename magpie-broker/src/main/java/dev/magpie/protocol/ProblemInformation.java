package dev.magpie.protocol;

import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttEncoder;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;

import java.util.Optional;
import java.util.function.Function;

/**
 * Keeps what the broker sends within the client's Maximum Packet Size [MQTT-3.1.2-24]. The Reason String and
 * the User Properties are the parts the spec lets a sender leave out for this (CONNACK [MQTT-3.2.2-19],
 * [MQTT-3.2.2-20]; DISCONNECT [MQTT-3.14.2-3], [MQTT-3.14.2-4]); what is left must fit or the packet is not sent
 * at all. One place for the rule, so a CONNACK and a DISCONNECT cannot follow different versions of it.
 */
final class ProblemInformation {
    private ProblemInformation() {
    }

    /**
     * The properties to send {@code as} a packet: {@code full} if that packet fits in {@code maxPacketSize}, else
     * {@code full} without Reason String and User Properties if that fits, else empty (send nothing).
     */
    static Optional<MqttProperties> fit(MqttProperties full, Function<MqttProperties, MqttPacket> as, MqttVersion version,
                                        int maxPacketSize) {
        if (fits(as.apply(full), version, maxPacketSize)) {
            return Optional.of(full);
        }
        MqttProperties lean = full.toBuilder().remove(PropertyId.REASON_STRING).remove(PropertyId.USER_PROPERTY).build();
        return fits(as.apply(lean), version, maxPacketSize) ? Optional.of(lean) : Optional.empty();
    }

    /**
     * The server's DISCONNECT: the Server Reference if any, the Reason String unless the client asked for no problem
     * information [MQTT-3.1.2-29] or it would not fit [MQTT-3.14.2-3]; empty if not even that fits.
     */
    static Optional<Disconnect> disconnect(int reasonCode, String reason, String serverReference, boolean problemInformation,
                                           MqttVersion version, int maxPacketSize) {
        MqttProperties.Builder props = MqttProperties.builder();
        if (serverReference != null) {
            props.string(PropertyId.SERVER_REFERENCE, serverReference);
        }
        if (problemInformation && reason != null) {
            props.string(PropertyId.REASON_STRING, reason);
        }
        return fit(props.build(), p -> new Disconnect(reasonCode, p), version, maxPacketSize).map(p -> new Disconnect(reasonCode, p));
    }

    private static boolean fits(MqttPacket packet, MqttVersion version, int maxPacketSize) {
        return MqttEncoder.encodedSize(packet, version) <= maxPacketSize;
    }
}
