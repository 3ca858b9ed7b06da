package dev.magpie.server.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code admin.dashboard}: the web dashboard comes with the API unless turned off. */
class AdminDashboardConfigTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of());

    @Test
    void onByDefaultOffWhenTheFileSaysSo() {
        assertThat(AdminConfig.DEFAULTS.dashboard()).isTrue();
        assertThat(loader.parse("admin: {enabled: true}\n", "t").admin().dashboard()).isTrue();
        AdminConfig off = loader.parse("admin: {enabled: true, dashboard: false}\n", "t").admin();
        assertThat(off.dashboard()).isFalse();
        assertThat(off.enabled()).as("the API stays on").isTrue();
        assertThat(off.withEnabled(false).dashboard()).as("kept by withEnabled").isFalse();
    }

    @Test
    void anEnvironmentVariableTurnsItOffAndAWrongValueIsAnError() {
        MagpieConfig config = new ConfigLoader(Map.of("MAGPIE_ADMIN_DASHBOARD", "false")).applyEnvironment(MagpieConfig.defaults());
        assertThat(config.admin().dashboard()).isFalse();
        assertThatThrownBy(() -> loader.parse("admin: {dashboard: maybe}\n", "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("t.yaml");
    }
}
