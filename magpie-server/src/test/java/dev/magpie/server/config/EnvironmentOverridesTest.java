package dev.magpie.server.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvironmentOverridesTest {

    private static MagpieConfig withEnv(Map<String, String> env) {
        return new ConfigLoader(env).applyEnvironment(MagpieConfig.defaults());
    }

    @Test
    void overridesScalarKeysByTheirUpperSnakeCasePath() {
        MagpieConfig config = withEnv(Map.of(
                "MAGPIE_LIMITS_MAX_PACKET_SIZE", "1048576",
                "MAGPIE_LISTENERS_0_PORT", "1884",
                "MAGPIE_LISTENERS_0_ALLOW_ANONYMOUS", "TRUE",
                "MAGPIE_LISTENERS_0_BIND", "127.0.0.1",
                "MAGPIE_DATA_DIR", "/var/lib/magpie",
                "MAGPIE_LOG_LEVEL", "debug",
                "MAGPIE_LIMITS_CONNECT_TIMEOUT", "3s"));

        assertThat(config.limits().maxPacketSize()).isEqualTo(1_048_576);
        assertThat(config.limits().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.listeners().get(0)).isEqualTo(
                new ListenerConfig("tcp", ListenerType.TCP, "127.0.0.1", 1884, true, 0));
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/magpie"));
        assertThat(config.logLevel()).isEqualTo(LogLevel.DEBUG);
    }

    @Test
    void theEnvironmentOverridesTheFile() {
        ConfigLoader loader = new ConfigLoader(Map.of("MAGPIE_LISTENERS_1_PORT", "9001"));
        MagpieConfig fromFile = loader.parse("listeners:\n  - name: a\n    port: 1\n  - name: b\n    port: 2\n", "f.yaml");

        MagpieConfig config = loader.applyEnvironment(fromFile);

        assertThat(config.listeners()).extracting(ListenerConfig::port).containsExactly(1, 9001);
    }

    @Test
    void unrelatedVariablesAndTheLauncherAndContainerVariablesAreIgnored() {
        MagpieConfig config = withEnv(Map.of("PATH", "/usr/bin", "MAGPIE_JAVA_OPTS", "-Xmx1g", "MAGPIEX", "1",
                "MAGPIE_PASSWORD", "for magpie pub and sub", "MAGPIE_HOME", "/opt/magpie", "MAGPIE_JAR", "/opt/magpie/lib/magpie.jar"));

        assertThat(config).isEqualTo(MagpieConfig.defaults());
    }

    @Test
    void aVariableThatNamesNoKeyIsAnErrorNotIgnored() {
        assertThatThrownBy(() -> withEnv(Map.of("MAGPIE_LIMITS_MAX_PACKETSIZE", "1024")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("environment variable MAGPIE_LIMITS_MAX_PACKETSIZE names no config key:"
                        + " it looked for limits.max_packetsize, but limits has the keys authentication_timeout, byte_rate, client_id_ownership, client_id_pattern, connect_timeout,")
                .hasMessageContaining("max_packet_size");
        assertThatThrownBy(() -> withEnv(Map.of("MAGPIE_PORT", "1884")))
                .hasMessageContaining("MAGPIE_PORT names no config key: it looked for port, but the top-level keys are admin, bans, capabilities, cluster, data_dir, io, limits, listeners, log_level, metrics, persistence, security");
        assertThatThrownBy(() -> withEnv(Map.of("MAGPIE_DATA_DIR_PATH", "/x")))
                .hasMessageContaining("goes below the value data_dir");
    }

    @Test
    void aListenerIndexBeyondTheListIsAnError() {
        assertThatThrownBy(() -> withEnv(Map.of("MAGPIE_LISTENERS_1_PORT", "1884")))
                .hasMessageStartingWith("environment variable MAGPIE_LISTENERS_1_PORT refers to listeners[1],"
                        + " but the config has 1 entry in listeners");
        assertThatThrownBy(() -> withEnv(Map.of("MAGPIE_LISTENERS_X_PORT", "1884")))
                .hasMessageContaining("refers to listeners[x]");
    }

    @Test
    void aSectionCannotBeSetAsAWhole() {
        assertThatThrownBy(() -> withEnv(Map.of("MAGPIE_LIMITS", "big")))
                .hasMessage("environment variable MAGPIE_LIMITS names the section limits, not a value;"
                        + " override its keys one by one, e.g. MAGPIE_LIMITS_MAX_PACKET_SIZE");
        assertThatThrownBy(() -> withEnv(Map.of("MAGPIE_LISTENERS_0", "x")))
                .hasMessageContaining("names the entry listeners[0], not a value");
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> withEnv(Map.of("MAGPIE_LISTENERS_0_PORT", "http")))
                .hasMessage("config error in environment variable MAGPIE_LISTENERS_0_PORT=http:"
                        + " listeners[0].port: expected a whole number");
        assertThatThrownBy(() -> withEnv(Map.of("MAGPIE_LISTENERS_0_PORT", "99999")))
                .hasMessage("config error in environment variable MAGPIE_LISTENERS_0_PORT=99999:"
                        + " listeners[0].port must be 0..65535, was 99999");
        assertThatThrownBy(() -> withEnv(Map.of("MAGPIE_LISTENERS_0_ALLOW_ANONYMOUS", "yes")))
                .hasMessageContaining("listeners[0].allow_anonymous: expected true or false");
        assertThatThrownBy(() -> withEnv(Map.of("MAGPIE_LIMITS_MAX_SESSION_EXPIRY", "3600")))
                .hasMessageContaining("MAGPIE_LIMITS_MAX_SESSION_EXPIRY=3600: limits.max_session_expiry: '3600' is not a duration");
        assertThatThrownBy(() -> withEnv(Map.of("MAGPIE_LIMITS_RECEIVE_MAXIMUM", "0")))
                .hasMessageContaining("limits.receive_maximum must be 1..65535, was 0");
    }
}
