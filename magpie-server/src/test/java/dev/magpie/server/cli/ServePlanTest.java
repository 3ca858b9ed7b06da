package dev.magpie.server.cli;

import dev.magpie.server.config.ConfigException;
import dev.magpie.server.config.ListenerConfig;
import dev.magpie.server.config.ListenerType;
import dev.magpie.server.config.LogLevel;
import dev.magpie.server.config.MagpieConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@code magpie serve} decides to run, from its flags, config file and environment; no broker started. */
class ServePlanTest {

    private static ServePlan plan(Map<String, String> env, String... args) {
        ServeCommand serve = new ServeCommand(env);
        new CommandLine(serve).parseArgs(args);
        return serve.plan();
    }

    private static ServePlan plan(String... args) {
        return plan(Map.of(), args);
    }

    @Test
    void withoutAConfigFileItListensOnLoopbackOnlyAndAllowsAnonymousClients() {
        ServePlan plan = plan();

        assertThat(plan.localOnly()).isTrue();
        assertThat(plan.config().listeners()).containsExactly(
                new ListenerConfig("tcp", ListenerType.TCP, "127.0.0.1", 1883, true, 0));
        assertThat(plan.config().dataDir()).isEqualTo(Path.of("./data"));
        assertThat(plan.config().logLevel()).isEqualTo(LogLevel.INFO);
        assertThat(plan.config().limits()).isEqualTo(MagpieConfig.defaults().limits());
        assertThat(plan.notice()).contains("No config file: listening on 127.0.0.1:1883 (loopback only, anonymous"
                + " clients allowed). To accept remote clients, copy magpie.example.yaml, edit it and run:"
                + " bin/magpie serve --config magpie.yaml");
    }

    @Test
    void flagsOverrideTheLocalOnlyListener() {
        ServePlan plan = plan("--port", "0", "--bind", "::1", "--data-dir", "/tmp/m", "--log-level", "DEBUG");

        assertThat(plan.config().listeners()).containsExactly(
                new ListenerConfig("tcp", ListenerType.TCP, "::1", 0, true, 0));
        assertThat(plan.config().dataDir()).isEqualTo(Path.of("/tmp/m"));
        assertThat(plan.config().logLevel()).isEqualTo(LogLevel.DEBUG);
        assertThat(plan.notice()).hasValueSatisfying(n -> assertThat(n)
                .startsWith("No config file: listening on ::1 on a free port (loopback only"));
    }

    @Test
    void bindingBeyondLoopbackWithoutAConfigSaysSo() {
        assertThat(plan("--bind", "0.0.0.0").notice()).hasValueSatisfying(n -> assertThat(n)
                .contains("0.0.0.0:1883 (anonymous clients allowed from any host that can reach it)"));
    }

    @Test
    void theEnvironmentAppliesToTheLocalOnlyDefaultsToo() {
        ServePlan plan = plan(Map.of("MAGPIE_LISTENERS_0_PORT", "1999", "MAGPIE_DATA_DIR", "/srv/magpie"));

        assertThat(plan.config().listeners().get(0).port()).isEqualTo(1999);
        assertThat(plan.config().dataDir()).isEqualTo(Path.of("/srv/magpie"));
    }

    @Test
    void withAConfigFileFlagsChangeTheFirstTcpListenerOnly(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("magpie.yaml");
        Files.writeString(file, """
                data_dir: /var/lib/magpie
                log_level: warn
                listeners:
                  - name: first
                    port: 1883
                  - name: second
                    port: 1884
                """);

        ServePlan plan = plan(Map.of("MAGPIE_LISTENERS_0_PORT", "2000"),
                "--config", file.toString(), "--port", "0", "--bind", "127.0.0.2");

        assertThat(plan.localOnly()).isFalse();
        assertThat(plan.notice()).isEmpty();
        assertThat(plan.config().listeners()).containsExactly(
                new ListenerConfig("first", ListenerType.TCP, "127.0.0.2", 0, false, 0),
                new ListenerConfig("second", ListenerType.TCP, "0.0.0.0", 1884, false, 0));
        assertThat(plan.config().dataDir()).isEqualTo(Path.of("/var/lib/magpie"));
        assertThat(plan.config().logLevel()).isEqualTo(LogLevel.WARN);
    }

    @Test
    void anOutOfRangePortFlagIsAConfigError() {
        assertThatThrownBy(() -> plan("--port", "70000"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config error in --port 70000: port must be 0..65535, was 70000");
    }
}
