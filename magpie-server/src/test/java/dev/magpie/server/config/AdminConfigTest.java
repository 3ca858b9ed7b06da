package dev.magpie.server.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code admin:} section. */
class AdminConfigTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of());

    @Test
    void offByDefaultAndOnForTheNamedWebSocketListeners() {
        assertThat(loader.parse("log_level: info\n", "t").admin()).isEqualTo(AdminConfig.DEFAULTS);
        assertThat(AdminConfig.DEFAULTS.enabled()).isFalse();

        AdminConfig admin = loader.parse("""
                listeners:
                  - {name: mqtt, type: tcp}
                  - {name: web, type: ws, port: 8080}
                admin: {enabled: true, listeners: [web], token_ttl: 30m}
                """, "t").admin();

        assertThat(admin.servesOn("web")).isTrue();
        assertThat(admin.servesOn("mqtt")).isFalse();
        assertThat(admin.tokenTtl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(AdminConfig.DEFAULTS.withEnabled(true).servesOn("anything")).as("[] = every ws/wss listener").isTrue();
    }

    @Test
    void aListenerThatIsNotWebSocketAnUnknownKeyAndAnOddTtlAreErrors() {
        assertThatThrownBy(() -> loader.parse("admin: {enabled: true, listeners: [tcp]}\n", "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("admin.listeners names 'tcp', which is not a ws or wss listener");
        assertThatThrownBy(() -> loader.parse("admin: {enable: true}\n", "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("t.yaml at line 1").hasMessageContaining("enable");
        assertThatThrownBy(() -> loader.parse("admin: {token_ttl: 10s}\n", "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("token_ttl must be between 1m and 7d");
    }

    @Test
    void anEnvironmentVariableTurnsItOn() {
        MagpieConfig config = new ConfigLoader(Map.of("MAGPIE_ADMIN_ENABLED", "true")).applyEnvironment(MagpieConfig.defaults());
        assertThat(config.admin().enabled()).isTrue();
    }
}
