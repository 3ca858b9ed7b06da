package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.magpie.Broker;
import dev.magpie.IoTransport;

import java.util.Locale;
import java.util.Objects;

/**
 * The {@code io:} section: how the broker's I/O loops talk to the kernel and how many there are
 * ({@link Broker.Builder#transport}, {@link Broker.Builder#ioThreads}).
 *
 * @param transport {@code auto} (the default: native epoll on Linux, NIO elsewhere), {@code epoll}, {@code io_uring}
 *                  (less CPU per delivery when messages fan out to many subscribers, docs/benchmarks.md) or {@code nio}
 * @param threads   I/O loops; 0 (the default) runs one per CPU the process may use
 */
public record IoConfig(IoTransport transport, int threads) {
    public static final IoConfig DEFAULTS = new IoConfig(IoTransport.AUTO, 0);

    public IoConfig {
        Objects.requireNonNull(transport, "transport");
        if (threads < 0 || threads > 1024) {
            throw new IllegalArgumentException("io.threads must be 0 (one per CPU) to 1024, was " + threads);
        }
    }

    @JsonCreator
    static IoConfig fromYaml(@JsonProperty("transport") String transport, @JsonProperty("threads") Integer threads) {
        return new IoConfig(transport != null ? YamlEnums.parse(IoTransport.class, "io.transport", transport.toLowerCase(Locale.ROOT))
                : DEFAULTS.transport, threads != null ? threads : DEFAULTS.threads);
    }

    void applyTo(Broker.Builder builder) {
        builder.transport(transport).ioThreads(threads);
    }
}
