package dev.magpie.testkit;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;

/**
 * Connect options for the Paho 3.1.1 client in every test, so none meets Paho's own in-flight race: Paho reports
 * a publish complete before it frees its in-flight slot (eclipse-paho/paho.mqtt.java#551), so with its default
 * window of 10, back-to-back QoS 1/2 publishes from one thread fail now and then with "Too many publishes in
 * progress (32202)", a client-side error that says nothing about the broker. A window of 1,000 leaves the broker's
 * Receive Maximum as the only bound, as for the other clients.
 *
 * <pre>{@code
 * MqttConnectOptions o = PahoOptions.v3();
 * o.setCleanSession(false);
 * client.connect(o);
 * }</pre>
 */
public final class PahoOptions {
    private PahoOptions() {
    }

    /** Paho's defaults with an in-flight window of 1,000. */
    public static MqttConnectOptions v3() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1_000);
        return options;
    }
}
