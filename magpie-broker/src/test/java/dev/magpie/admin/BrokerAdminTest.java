package dev.magpie.admin;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.testkit.PahoOptions;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@link BrokerAdmin} as an embedding application uses it, with a real store and real clients. */
class BrokerAdminTest {
    @TempDir
    Path data;

    private Broker start() {
        return Broker.builder().listener(Listener.tcp("127.0.0.1", 0).anonymous(true)).dataDirectory(data).build().start();
    }

    private static MqttClient persistent(Broker broker, String id, List<String> received) throws Exception {
        MqttClient c = new MqttClient("tcp://127.0.0.1:" + broker.port("tcp"), id, new MemoryPersistence());
        c.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(topic + "=" + new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions o = PahoOptions.v3();
        o.setCleanSession(false);
        c.connect(o);
        return c;
    }

    @Test
    void aSubscriptionAddedToAnOfflineSessionIsStoredLikeASubscribeAndSurvivesARestart() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        Broker first = start();
        MqttClient c = persistent(first, "device", received);
        c.disconnect();
        c.close();

        assertThat(first.admin().subscribe("device", "orders/#", 1)).contains(1);
        assertThat(first.admin().subscribe("nobody", "orders/#", 1)).isEmpty();
        assertThatThrownBy(() -> first.admin().subscribe("device", "orders/#/x", 1)).isInstanceOf(IllegalArgumentException.class);
        first.stop();

        Broker second = start();
        try {
            assertThat(second.admin().client("device")).hasValueSatisfying(d ->
                    assertThat(d.subscriptions()).extracting(SubscriptionInfo::filter).containsExactly("orders/#"));
            second.publish("orders/1", "first order".getBytes(StandardCharsets.UTF_8), 1, false);
            await().atMost(Duration.ofSeconds(10)).until(() -> second.admin().client("device").orElseThrow().summary().queued() == 1);
            MqttClient back = persistent(second, "device", received);
            await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("orders/1=first order"));
            assertThat(second.admin().clients(ClientFilter.all().connected(), 0, 10).items()).extracting(ClientSummary::clientId)
                    .containsExactly("device");
            assertThat(second.admin().kick("device", true)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> second.admin().client("device").isEmpty());
            back.close(true);
        } finally {
            second.stop();
        }
    }

    @Test
    void retainedMessagesAreListedReadAndDeletedWithoutReachingSubscribers() {
        Broker broker = start();
        try {
            broker.publish("config/a", "1".getBytes(StandardCharsets.UTF_8), 0, true);
            broker.publish("config/b", "2".getBytes(StandardCharsets.UTF_8), 1, true);
            broker.publish("other", "3".getBytes(StandardCharsets.UTF_8), 0, true);
            await().atMost(Duration.ofSeconds(5)).until(() -> broker.admin().stats().retained() == 3);

            assertThat(broker.admin().retained("config/#")).extracting(RetainedInfo::topic).containsExactly("config/a", "config/b");
            assertThat(broker.admin().retainedMessage("config/b")).hasValueSatisfying(r -> assertThat(r.qos()).isEqualTo(1));
            assertThat(broker.admin().deleteRetained("config/a")).isTrue();
            assertThat(broker.admin().deleteRetained("config/a")).isFalse();
            assertThat(broker.admin().retained("#")).extracting(RetainedInfo::topic).containsExactly("config/b", "other");
            assertThat(broker.admin().topics("config/#")).extracting(TopicInfo::topic).containsExactly("config/b");
        } finally {
            broker.stop();
        }
    }
}
