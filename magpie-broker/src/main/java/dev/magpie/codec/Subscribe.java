package dev.magpie.codec;

import java.util.List;

/** SUBSCRIBE with its ordered topic filters and their options. */
public record Subscribe(int packetId, List<Subscription> subscriptions, MqttProperties properties) implements MqttPacket {

    /**
     * One filter with its Subscription Options [MQTT-3.8.3.1]; 3.1.1 clients only set {@code qos}.
     * {@code retainHandling}: 0 send retained on subscribe, 1 only if the subscription is new, 2 never.
     */
    public record Subscription(String filter, int qos, boolean noLocal, boolean retainAsPublished, int retainHandling) {
        public static Subscription of(String filter, int qos) {
            return new Subscription(filter, qos, false, false, 0);
        }
    }

    public Subscribe {
        subscriptions = List.copyOf(subscriptions);
    }

    @Override
    public PacketType type() {
        return PacketType.SUBSCRIBE;
    }
}
