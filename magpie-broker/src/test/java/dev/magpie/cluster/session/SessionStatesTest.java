package dev.magpie.cluster.session;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PropertyId;
import dev.magpie.spi.ClientInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a will and a client travel in the stored session: the Will Delay Interval beside the PUBLISH properties. */
class SessionStatesTest {

    @Test
    void aWillComesBackWithItsDelayAndItsOtherProperties_MQTT_3_1_3_9() {
        MqttProperties properties = MqttProperties.builder().integer(PropertyId.WILL_DELAY_INTERVAL, 30)
                .integer(PropertyId.MESSAGE_EXPIRY_INTERVAL, 600).userProperty("site", "7").build();
        Connect.Will will = new Connect.Will("status/7", "gone".getBytes(StandardCharsets.UTF_8), 1, true, properties);

        SessionState.Will stored = SessionStates.stored(will).orElseThrow();
        assertThat(stored.delaySeconds()).isEqualTo(30);
        SessionState state = new SessionState(SessionState.Client.UNKNOWN, 300, List.of(), Optional.of(stored), List.of(), List.of());
        Connect.Will back = SessionStates.will(SessionStateCodec.decode(SessionStateCodec.encode(state))).orElseThrow();

        assertThat(back.topic()).isEqualTo("status/7");
        assertThat(back.qos()).isEqualTo(1);
        assertThat(back.retain()).isTrue();
        assertThat(back.payload()).containsExactly("gone".getBytes(StandardCharsets.UTF_8));
        assertThat(back.properties().unsignedInt(PropertyId.WILL_DELAY_INTERVAL, 0)).isEqualTo(30);
        assertThat(back.properties().unsignedInt(PropertyId.MESSAGE_EXPIRY_INTERVAL, 0)).isEqualTo(600);
        assertThat(back.properties().userProperties()).hasSize(1);
    }

    @Test
    void noWillStaysNoWillAndDamagedPropertiesAreRefused() {
        assertThat(SessionStates.stored(null)).isEmpty();
        SessionState damaged = new SessionState(SessionState.Client.UNKNOWN, 0, List.of(),
                Optional.of(new SessionState.Will("t", 0, false, 0, new byte[] {5, 99}, new byte[0])), List.of(), List.of());
        assertThatThrownBy(() -> SessionStates.will(damaged)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("damaged");
    }

    @Test
    void theClientIsWhoTheNextOwnerPublishesTheWillAs() {
        SessionState state = new SessionState(new SessionState.Client(Optional.of("ann"), 4, "tls"), 60, List.of(),
                Optional.empty(), List.of(), List.of());
        ClientInfo client = SessionStates.client("dev-1", state);
        assertThat(client.clientId()).isEqualTo("dev-1");
        assertThat(client.username()).isEqualTo("ann");
        assertThat(client.protocolLevel()).isEqualTo(4);
        assertThat(client.listener()).isEqualTo("tls");
        assertThat(SessionStates.client("anon", new SessionState(SessionState.Client.UNKNOWN, 0, List.of(), Optional.empty(),
                List.of(), List.of())).username()).isNull();
    }
}
