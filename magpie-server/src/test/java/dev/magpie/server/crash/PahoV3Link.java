package dev.magpie.server.crash;

import dev.magpie.testkit.PahoOptions;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClientPersistence;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttPersistable;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link MqttLink} over Paho's MQTT 3.1.1 client: Clean Session 0, no automatic reconnect (see {@link Reconnector}),
 * in-flight limit {@code maxInflight} (Paho's {@code setMaxInflight}, default 10, refuses a publish beyond it).
 * Paho keeps its in-flight messages in memory across reconnects of the same client object and resends them with
 * DUP after each CONNACK; a {@link MemoryPersistence} is enough because only the broker crashes.
 */
final class PahoV3Link implements MqttLink {

    private final MqttAsyncClient client;
    private final MqttConnectOptions options = PahoOptions.v3();

    PahoV3Link(String serverUri, String clientId, int maxInflight, Events events) throws MqttException {
        client = new MqttAsyncClient(serverUri, clientId, new Observing(events));
        options.setCleanSession(false);
        options.setAutomaticReconnect(false);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1); // no silent fall-back to 3.1
        options.setKeepAliveInterval(30);
        options.setMaxInflight(maxInflight);
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectionLost(Throwable cause) {
                events.lost(String.valueOf(cause), -1);
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                events.message(topic, m.getPayload(), m.getQos(), m.getId(), m.isDuplicate(), m.isRetained());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
            }
        });
    }

    @Override
    public String clientId() {
        return client.getClientId();
    }

    @Override
    public boolean connect(Duration timeout) throws LinkException {
        options.setConnectionTimeout((int) Math.max(1, timeout.toSeconds()));
        try {
            IMqttToken token = client.connect(options);
            token.waitForCompletion(timeout.toMillis());
            return token.getSessionPresent();
        } catch (MqttException e) {
            throw failure(e);
        }
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retain, Delivery delivery) throws LinkException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(qos);
        m.setRetained(retain);
        try {
            client.publish(topic, m, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    delivery.completed(0); // PUBACK, or PUBCOMP for QoS 2; 3.1.1 has no negative acknowledgement
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    delivery.failed(String.valueOf(e));
                }
            });
        } catch (MqttException e) {
            throw failure(e);
        }
    }

    @Override
    public int subscribe(String filter, int qos, Duration timeout) throws LinkException {
        try {
            IMqttToken token = client.subscribe(filter, qos);
            token.waitForCompletion(timeout.toMillis());
            return token.getGrantedQos()[0];
        } catch (MqttException e) {
            throw failure(e);
        }
    }

    @Override
    public void dropWithoutDisconnect() {
        try {
            client.disconnectForcibly(0, 100, false);
        } catch (MqttException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(0).waitForCompletion(2_000);
            }
        } catch (MqttException e) {
            // the broker may be gone
        }
        dropWithoutDisconnect();
        try {
            client.close();
        } catch (MqttException e) {
            // nothing left to release
        }
    }

    static LinkException failure(MqttException e) {
        int code = e.getReasonCode();
        LinkException.Kind kind = switch (code) {
            case MqttException.REASON_CODE_CLIENT_NOT_CONNECTED -> LinkException.Kind.NOT_CONNECTED;
            case MqttException.REASON_CODE_SERVER_CONNECT_ERROR, MqttException.REASON_CODE_CONNECTION_LOST,
                    MqttException.REASON_CODE_CLIENT_DISCONNECTING -> LinkException.Kind.UNREACHABLE;
            case MqttException.REASON_CODE_CLIENT_TIMEOUT, MqttException.REASON_CODE_CONNECT_IN_PROGRESS,
                    MqttException.REASON_CODE_MAX_INFLIGHT -> LinkException.Kind.TIMEOUT;
            // CONNACK return codes 1..5 [MQTT-3.2.2-5]
            case 1, 2, 3, 4, 5 -> LinkException.Kind.REFUSED;
            case MqttException.REASON_CODE_CLIENT_EXCEPTION -> e.getCause() instanceof IOException
                    ? LinkException.Kind.UNREACHABLE : LinkException.Kind.OTHER;
            default -> LinkException.Kind.OTHER;
        };
        return new LinkException(kind, code, String.valueOf(e.getMessage()), e);
    }

    /**
     * Paho's in-memory persistence, watched: Paho stores an outgoing QoS 1/2 PUBLISH under {@code s-<id>}, the
     * PUBREL it sends on PUBREC under {@code sc-<id>}, and removes an inbound QoS 2 {@code r-<id>} when it sends
     * PUBCOMP. That is the only place the 3.1.1 API shows a PUBREC, which is when the broker takes ownership of a
     * QoS 2 message [MQTT-4.3.3-2].
     */
    private static final class Observing implements MqttClientPersistence {
        private final MemoryPersistence delegate = new MemoryPersistence();
        private final Map<String, byte[]> sentPayloads = new ConcurrentHashMap<>();
        private final Events events;

        Observing(Events events) {
            this.events = events;
        }

        @Override
        public void put(String key, MqttPersistable p) throws org.eclipse.paho.client.mqttv3.MqttPersistenceException {
            if (key.startsWith("s-")) {
                sentPayloads.put(key.substring(2), payload(p));
            } else if (key.startsWith("sc-")) {
                byte[] publish = sentPayloads.get(key.substring(3));
                if (publish != null) {
                    events.pubRec(publish);
                }
            }
            delegate.put(key, p);
        }

        private static byte[] payload(MqttPersistable p) {
            try {
                return Arrays.copyOfRange(p.getPayloadBytes(), p.getPayloadOffset(), p.getPayloadOffset() + p.getPayloadLength());
            } catch (org.eclipse.paho.client.mqttv3.MqttPersistenceException e) {
                return new byte[0];
            }
        }

        @Override
        public void remove(String key) throws org.eclipse.paho.client.mqttv3.MqttPersistenceException {
            if (key.startsWith("r-")) {
                events.inboundReleased(Integer.parseInt(key.substring(2)));
            }
            delegate.remove(key);
        }

        @Override
        public void open(String clientId, String serverUri) throws org.eclipse.paho.client.mqttv3.MqttPersistenceException {
            delegate.open(clientId, serverUri);
        }

        @Override
        public void close() throws org.eclipse.paho.client.mqttv3.MqttPersistenceException {
            delegate.close();
        }

        @Override
        public MqttPersistable get(String key) throws org.eclipse.paho.client.mqttv3.MqttPersistenceException {
            return delegate.get(key);
        }

        @Override
        public Enumeration keys() throws org.eclipse.paho.client.mqttv3.MqttPersistenceException {
            return delegate.keys();
        }

        @Override
        public void clear() throws org.eclipse.paho.client.mqttv3.MqttPersistenceException {
            delegate.clear();
        }

        @Override
        public boolean containsKey(String key) throws org.eclipse.paho.client.mqttv3.MqttPersistenceException {
            return delegate.containsKey(key);
        }
    }
}
