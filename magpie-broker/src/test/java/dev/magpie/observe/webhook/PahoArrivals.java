package dev.magpie.observe.webhook;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttMessage;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts the messages a Paho client receives, and runs {@code onEach} after each. */
final class PahoArrivals implements MqttCallback {
    private final AtomicInteger arrived;
    private final Runnable onEach;

    PahoArrivals(AtomicInteger arrived) {
        this(arrived, () -> { });
    }

    PahoArrivals(AtomicInteger arrived, Runnable onEach) {
        this.arrived = arrived;
        this.onEach = onEach;
    }

    @Override
    public void connectionLost(Throwable cause) {
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        onEach.run();
        arrived.incrementAndGet();
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
    }
}
