package dev.magpie.server.config;

import dev.magpie.IoTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code io:} section: the transport and the number of I/O loops, defaults, env overrides and bad values. */
class IoConfigTest {
    @TempDir
    Path dir;

    private MagpieConfig load(String yaml, Map<String, String> env) throws IOException {
        Path file = dir.resolve("magpie.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(env).load(file);
    }

    @Test
    void defaultsAreAutoAndOneLoopPerCpu() throws IOException {
        assertThat(load("log_level: info\n", Map.of()).io()).isEqualTo(IoConfig.DEFAULTS);
        assertThat(IoConfig.DEFAULTS.transport()).isEqualTo(IoTransport.AUTO);
    }

    @Test
    void transportAndThreadsFromTheFileAndTheEnvironment() throws IOException {
        IoConfig io = load("io:\n  transport: io_uring\n  threads: 2\n", Map.of()).io();
        assertThat(io).isEqualTo(new IoConfig(IoTransport.IO_URING, 2));
        assertThat(load("io:\n  transport: io_uring\n", Map.of("MAGPIE_IO_TRANSPORT", "nio")).io().transport()).isEqualTo(IoTransport.NIO);
    }

    @Test
    void anUnknownTransportOrANegativeCountIsRefusedAtItsLine() {
        assertThatThrownBy(() -> load("log_level: info\nio:\n  transport: kqueue\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("magpie.yaml at line 2")
                .hasMessageContaining("io.transport 'kqueue' is not one of auto, epoll, io_uring, nio");
        assertThatThrownBy(() -> load("io:\n  threads: -1\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("io.threads must be 0 (one per CPU) to 1024, was -1");
    }
}
