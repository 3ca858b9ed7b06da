package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.magpie.Broker;
import dev.magpie.store.SyncMode;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code persistence:} section: whether the broker keeps retained messages in {@code <data_dir>/magpie.db}
 * across restarts, and when a commit reaches the disk (see {@code docs/persistence.md}).
 *
 * @param enabled false keeps retained messages in memory only, as brokers without persistence do
 * @param sync       {@code normal}: a killed process loses nothing committed, a power cut may lose the last
 *                   commits; {@code full}: every commit is synced to the disk
 * @param durableAck true: a publisher's PUBACK/PUBREC waits until what its message caused is committed
 */
public record PersistenceConfig(boolean enabled, SyncMode sync, boolean durableAck) {

    public static final PersistenceConfig DEFAULTS = new PersistenceConfig(true, SyncMode.NORMAL, false);

    public PersistenceConfig {
        Objects.requireNonNull(sync, "sync");
    }

    @JsonCreator
    static PersistenceConfig fromYaml(@JsonProperty("enabled") Boolean enabled, @JsonProperty("sync") String sync,
                                      @JsonProperty("durable_ack") Boolean durableAck) {
        PersistenceConfig d = DEFAULTS;
        return new PersistenceConfig(enabled != null ? enabled : d.enabled,
                sync != null ? YamlEnums.parse(SyncMode.class, "persistence.sync", sync.toLowerCase(Locale.ROOT)) : d.sync,
                durableAck != null ? durableAck : d.durableAck);
    }

    /** Gives {@code builder} the store this section asks for, in {@code dataDir}. */
    public Broker.Builder applyTo(Broker.Builder builder, Path dataDir) {
        return enabled ? builder.dataDirectory(dataDir, sync).durableAcknowledgements(durableAck) : builder;
    }
}
