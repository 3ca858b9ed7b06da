package dev.magpie.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    private final ConfigLoader loader = new ConfigLoader(Map.of());

    private MagpieConfig parse(String yaml) {
        return loader.parse(yaml, "magpie.yaml");
    }

    @Test
    void anEmptyFileMeansTheDocumentedDefaults() {
        MagpieConfig config = parse("");

        assertThat(config).isEqualTo(MagpieConfig.defaults()).isEqualTo(parse("{}\n")).isEqualTo(parse("# nothing\n"));
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.logLevel()).isEqualTo(LogLevel.INFO);
        assertThat(config.listeners()).containsExactly(
                new ListenerConfig("tcp", ListenerType.TCP, "0.0.0.0", 1883, false, 0));
        assertThat(config.limits()).isEqualTo(new LimitsConfig(262_144, Duration.ofSeconds(10), 65_535, 100, 100, 1000,
                Duration.ofDays(1), Duration.ofSeconds(5)));
    }

    @Test
    void readsEveryKey() {
        MagpieConfig config = parse("""
                data_dir: /var/lib/magpie
                log_level: debug
                listeners:
                  - name: public
                    type: tcp
                    bind: 10.0.0.5
                    port: 8883
                    allow_anonymous: true
                    max_connections: 500
                  - name: local
                    bind: 127.0.0.1
                limits:
                  max_packet_size: 1048576
                  connect_timeout: 500ms
                  max_keep_alive: 600
                  receive_maximum: 20
                  max_inflight: 30
                  max_queued_messages: 5000
                  max_session_expiry: 2h
                  authentication_timeout: 3s
                """);

        assertThat(config).isEqualTo(new MagpieConfig(Path.of("/var/lib/magpie"), LogLevel.DEBUG, List.of(
                new ListenerConfig("public", ListenerType.TCP, "10.0.0.5", 8883, true, 500),
                new ListenerConfig("local", ListenerType.TCP, "127.0.0.1", 1883, false, 0)),
                new LimitsConfig(1_048_576, Duration.ofMillis(500), 600, 20, 30, 5000, Duration.ofHours(2),
                        Duration.ofSeconds(3))));
    }

    @Test
    void keysLeftOutOfASectionKeepTheirDefaults() {
        MagpieConfig config = parse("limits:\n  max_inflight: 7\n");

        assertThat(config.limits()).isEqualTo(new LimitsConfig(262_144, Duration.ofSeconds(10), 65_535, 100, 7, 1000,
                Duration.ofDays(1), Duration.ofSeconds(5)));
        assertThat(config.listeners()).isEqualTo(MagpieConfig.defaults().listeners());
    }

    @Test
    void logLevelIgnoresCase() {
        assertThat(parse("log_level: WARN\n").logLevel()).isEqualTo(LogLevel.WARN);
    }

    @Test
    void anUnknownKeyIsNamedWithFileLineAndColumn() {
        assertThatThrownBy(() -> parse("""
                data_dir: ./data
                limits:
                  max_packet_size: 1024
                  max_packetsize: 2048
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config error in magpie.yaml at line 4, column 3: unknown key 'limits.max_packetsize'")
                .hasMessageContaining("max_packet_size, max_queued_bytes, max_queued_messages");
    }

    @Test
    void anUnknownKeyInAListenerNamesItsIndex() {
        assertThatThrownBy(() -> parse("listeners:\n  - name: a\n    prot: 1884\n"))
                .hasMessageStartingWith("config error in magpie.yaml at line 3, column 5: unknown key 'listeners[0].prot'");
    }

    @Test
    void anUnknownTopLevelKeyListsTheKnownOnes() {
        assertThatThrownBy(() -> parse("log_levels: debug\n"))
                .hasMessage("config error in magpie.yaml at line 1, column 1: unknown key 'log_levels'"
                        + " (top-level keys: admin, bans, capabilities, cluster, data_dir, io, limits, listeners, log_level, metrics, persistence, security,"
                        + " sys_client_events, sys_interval, webhooks)");
    }

    @Test
    void aValueTheBrokerWouldRefuseIsReportedAtItsKeyInYamlTerms() {
        assertThatThrownBy(() -> parse("limits:\n  connect_timeout: 1s\n  max_packet_size: 5\n"))
                .hasMessage("config error in magpie.yaml at line 3, column 3:"
                        + " limits.max_packet_size must be 16..268435460, was 5");
        assertThatThrownBy(() -> parse("listeners:\n  - name: a\n    port: 70000\n"))
                .hasMessage("config error in magpie.yaml at line 3, column 5: listeners[0].port must be 0..65535, was 70000");
        assertThatThrownBy(() -> parse("listeners:\n  - max_connections: -1\n"))
                .hasMessageContaining("listeners[0].max_connections must be >= 0, was -1");
    }

    @Test
    void wrongTypesAreRefusedRatherThanCoerced() {
        assertThatThrownBy(() -> parse("listeners:\n  - port: '1883'\n"))
                .hasMessage("config error in magpie.yaml at line 2, column 5: listeners[0].port: expected a whole number");
        assertThatThrownBy(() -> parse("listeners:\n  - port: 1883.5\n"))
                .hasMessageContaining("listeners[0].port: expected a whole number");
        assertThatThrownBy(() -> parse("listeners:\n  - allow_anonymous: 'true'\n"))
                .hasMessageContaining("listeners[0].allow_anonymous: expected true or false");
        assertThatThrownBy(() -> parse("listeners: tcp\n"))
                .hasMessageContaining("listeners: expected a list");
        assertThatThrownBy(() -> parse("limits: 5\n"))
                .hasMessageContaining("limits: expected a mapping of keys");
    }

    @Test
    void durationsNeedAUnit() {
        assertThatThrownBy(() -> parse("limits:\n  connect_timeout: 10\n"))
                .hasMessage("config error in magpie.yaml at line 2, column 3: limits.connect_timeout:"
                        + " '10' is not a duration: add a unit, e.g. 500ms, 10s, 5m, 1h or 1d");
        assertThatThrownBy(() -> parse("limits:\n  max_session_expiry: 1 week\n"))
                .hasMessageContaining("limits.max_session_expiry: '1 week' is not a duration");
    }

    @Test
    void unknownListenerTypesAreRefused() {
        assertThatThrownBy(() -> parse("listeners:\n  - type: quic\n"))
                .hasMessageContaining("listeners[0].type: listener type 'quic' is not supported: use tcp, tls, ws or wss");
    }

    @Test
    void listenersMustBeNonEmptyAndUniquelyNamed() {
        assertThatThrownBy(() -> parse("listeners: []\n")).hasMessageContaining("listeners must name at least one listener");
        assertThatThrownBy(() -> parse("listeners:\n  - port: 1\n  - port: 2\n"))
                .hasMessageContaining("listeners[1].name 'tcp' is used twice");
    }

    @Test
    void anInvalidLogLevelListsTheChoices() {
        assertThatThrownBy(() -> parse("log_level: loud\n"))
                .hasMessage("config error in magpie.yaml at line 1, column 1: log_level: 'loud' is not a log level:"
                        + " use one of trace, debug, info, warn, error, off");
    }

    @Test
    void duplicateKeysAndExtraDocumentsAreErrors() {
        assertThatThrownBy(() -> parse("log_level: info\nlog_level: debug\n"))
                .hasMessageContaining("line 2").hasMessageContaining("key 'log_level' is written twice");
        assertThatThrownBy(() -> parse("log_level: info\n---\nlog_level: debug\n"))
                .hasMessageContaining("a config file holds one YAML document");
    }

    @Test
    void yamlSyntaxErrorsSayWhere() {
        assertThatThrownBy(() -> parse("data_dir: ./data\nlog_level: 'info\n"))
                .hasMessageStartingWith("config error in magpie.yaml at line")
                .hasMessageContaining("at line 2, column 10: YAML syntax error: while scanning a quoted scalar");
    }

    @Test
    void loadNamesTheFileAndAMissingFileIsAConfigError(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "listeners:\n  - name: a\n    colour: blue\n");

        assertThatThrownBy(() -> loader.load(file))
                .hasMessageStartingWith("config error in " + file + " at line 3, column 5: unknown key 'listeners[0].colour'");
        assertThatThrownBy(() -> loader.load(dir.resolve("missing.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.yaml does not exist");
    }
}
