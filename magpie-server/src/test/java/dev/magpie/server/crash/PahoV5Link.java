package dev.magpie.server.crash;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttPersistable;
import org.eclipse.paho.mqttv5.common.MqttPersistenceException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link MqttLink} over Paho's MQTT 5.0 client: Clean Start 0 with a Session Expiry Interval, no automatic
 * reconnect (see {@link Reconnector}); its in-flight limit is the broker's Receive Maximum from CONNACK.
 *
 * <p>Paho 5 (1.2.5) hands an inbound QoS 2 message to the application on PUBLISH (method A of the spec's
 * figure 4.3), and again for every DUP resend of the same packet id that arrives before PUBREL, without
 * de-duplicating (its bytecode: {@code ClientState.notifyReceivedMsg} delivers every QoS 2 PUBLISH; traced: one
 * {@code r-<id>} removal, when it sends PUBCOMP after PUBREL). The receiver's part of exactly-once
 * [MQTT-4.3.3-10] is therefore done by {@link RecordingSubscriber}, which learns from
 * {@link Events#inboundReleased} (PUBCOMP sent) when a packet id is free again.
 */
final class PahoV5Link implements MqttLink {

    private final MqttAsyncClient client;
    private final MqttConnectionOptions options = new MqttConnectionOptions();
    /** Connected and outgoing topic aliases switched off for this connection; publishing waits for it. */
    private volatile boolean ready;

    PahoV5Link(String serverUri, String clientId, long sessionExpirySeconds, Events events) throws MqttException {
        client = new MqttAsyncClient(serverUri, clientId, new Observing(events));
        options.setCleanStart(false);
        options.setSessionExpiryInterval(sessionExpirySeconds);
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(30);
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                ready = false;
                // a DISCONNECT from the broker carries no exception; a dropped socket does
                events.lost(String.valueOf(response), response.getException() == null ? response.getReturnCode() : -1);
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                events.message(topic, m.getPayload(), m.getQos(), m.getId(), m.isDuplicate(), m.isRetained());
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
    }

    /** A will with a Will Delay Interval [MQTT-3.1.3-9], sent with every CONNECT of this link. */
    PahoV5Link withWill(String topic, byte[] payload, int qos, long delaySeconds) {
        MqttMessage will = new MqttMessage(payload);
        will.setQos(qos);
        options.setWill(topic, will);
        MqttProperties properties = new MqttProperties();
        properties.setWillDelayInterval(delaySeconds);
        options.setWillMessageProperties(properties);
        return this;
    }

    @Override
    public String clientId() {
        return client.getClientId();
    }

    @Override
    public boolean connect(Duration timeout) throws LinkException {
        options.setConnectionTimeout((int) Math.max(1, timeout.toSeconds()));
        try {
            if (client.isConnected()) {
                // an earlier attempt timed out here but completed in Paho since: finish it (Session Present unknown)
                noOutgoingTopicAliases();
                ready = true;
                return true;
            }
            IMqttToken token = client.connect(options);
            token.waitForCompletion(timeout.toMillis());
            noOutgoingTopicAliases();
            ready = true;
            return token.getSessionPresent();
        } catch (MqttException e) {
            throw failure(e);
        }
    }

    /**
     * Works around a Paho 5 client bug (eclipse-paho/paho.mqtt.java#527 and kin): when the server allows topic
     * aliases (Magpie's default Topic Alias Maximum is 64) Paho replaces the topic of the PUBLISH it stores for
     * resending with an alias, and after a reconnect resends it with that alias alone. Aliases do not survive a
     * connection [MQTT-3.3.2-7], so the broker rightly closes the client with 0x82 "topic alias 1 used before it
     * was set". Setting Paho's outgoing maximum to 0 after each CONNACK, before we publish anything, keeps the
     * topic in every PUBLISH; the broker keeps its default configuration.
     */
    private void noOutgoingTopicAliases() throws MqttException {
        try {
            java.lang.reflect.Field f = MqttAsyncClient.class.getDeclaredField("mqttConnection");
            f.setAccessible(true);
            ((org.eclipse.paho.mqttv5.client.internal.MqttConnectionState) f.get(client)).setOutgoingTopicAliasMaximum(0);
        } catch (ReflectiveOperationException e) {
            throw new MqttException(e);
        }
    }

    @Override
    public boolean isConnected() {
        return client.isConnected() && ready;
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retain, Delivery delivery) throws LinkException {
        if (!isConnected()) {
            throw new LinkException(LinkException.Kind.NOT_CONNECTED, MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED,
                    "not connected, or topic aliases not yet off", null);
        }
        MqttMessage m = new MqttMessage(payload);
        m.setQos(qos);
        m.setRetained(retain);
        try {
            client.publish(topic, m, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] reasons = token.getReasonCodes();
                    delivery.completed(reasons == null || reasons.length == 0 ? 0 : reasons[0]);
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
            IMqttToken token = client.subscribe(new MqttSubscription(filter, qos));
            token.waitForCompletion(timeout.toMillis());
            return token.getReasonCodes()[0];
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
                client.disconnect(2_000).waitForCompletion(2_000);
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
        LinkException.Kind kind;
        if (code == MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED) {
            kind = LinkException.Kind.NOT_CONNECTED;
        } else if (code == MqttClientException.REASON_CODE_SERVER_CONNECT_ERROR
                || code == MqttClientException.REASON_CODE_CONNECTION_LOST
                || code == MqttClientException.REASON_CODE_CLIENT_DISCONNECTING) {
            kind = LinkException.Kind.UNREACHABLE;
        } else if (code == MqttClientException.REASON_CODE_CLIENT_TIMEOUT
                || code == MqttClientException.REASON_CODE_CONNECT_IN_PROGRESS
                || code == MqttClientException.REASON_CODE_MAX_INFLIGHT) {
            kind = LinkException.Kind.TIMEOUT;
        } else if (code >= 0x80 && code <= 0xFF) {
            kind = LinkException.Kind.REFUSED; // a CONNACK reason code >= 0x80 [MQTT-3.2.2-6]
        } else if (code == MqttException.REASON_CODE_CLIENT_EXCEPTION && e.getCause() instanceof IOException) {
            kind = LinkException.Kind.UNREACHABLE;
        } else {
            kind = LinkException.Kind.OTHER;
        }
        return new LinkException(kind, code, String.valueOf(e.getMessage()), e);
    }

    /** As in {@link PahoV3Link}: watches {@code s-}, {@code sc-} (PUBREC) and {@code r-} (PUBCOMP sent) keys. */
    private static final class Observing implements MqttClientPersistence {
        private final MemoryPersistence delegate = new MemoryPersistence();
        private final Map<String, byte[]> sentPayloads = new ConcurrentHashMap<>();
        private final Events events;

        Observing(Events events) {
            this.events = events;
        }

        @Override
        public void put(String key, MqttPersistable p) throws MqttPersistenceException {
            if (key.startsWith("s-")) {
                sentPayloads.put(key.substring(2),
                        Arrays.copyOfRange(p.getPayloadBytes(), p.getPayloadOffset(), p.getPayloadOffset() + p.getPayloadLength()));
            } else if (key.startsWith("sc-")) {
                byte[] publish = sentPayloads.get(key.substring(3));
                if (publish != null) {
                    events.pubRec(publish);
                }
            }
            delegate.put(key, p);
        }

        @Override
        public void remove(String key) throws MqttPersistenceException {
            if (key.startsWith("r-")) {
                events.inboundReleased(Integer.parseInt(key.substring(2)));
            }
            delegate.remove(key);
        }

        @Override
        public void open(String clientId) throws MqttPersistenceException {
            delegate.open(clientId);
        }

        @Override
        public void close() throws MqttPersistenceException {
            delegate.close();
        }

        @Override
        public MqttPersistable get(String key) throws MqttPersistenceException {
            return delegate.get(key);
        }

        @Override
        public Enumeration<String> keys() throws MqttPersistenceException {
            return delegate.keys();
        }

        @Override
        public void clear() throws MqttPersistenceException {
            delegate.clear();
        }

        @Override
        public boolean containsKey(String key) throws MqttPersistenceException {
            return delegate.containsKey(key);
        }
    }
}
