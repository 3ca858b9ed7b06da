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
 * @param durableAck true (default): acknowledgements and a persistent session's sends wait until the state they
 *                   promise is committed, so a killed broker loses nothing acknowledged; false: write-behind
 * @param queueQos0Messages true: QoS 0 messages are queued (and stored) for offline persistent sessions too, as
 *                   mosquitto's {@code queue_qos0_messages}; false (default): QoS 0 is not kept for offline clients
 */
public record PersistenceConfig(boolean enabled, SyncMode sync, boolean durableAck, boolean queueQos0Messages) {

    public static final PersistenceConfig DEFAULTS = new PersistenceConfig(true, SyncMode.NORMAL, true, false);

    public PersistenceConfig {
        Objects.requireNonNull(sync, "sync");
    }

    @JsonCreator
    static PersistenceConfig fromYaml(@JsonProperty("enabled") Boolean enabled, @JsonProperty("sync") String sync,
                                      @JsonProperty("durable_ack") Boolean durableAck,
                                      @JsonProperty("queue_qos0_messages") Boolean queueQos0Messages) {
        PersistenceConfig d = DEFAULTS;
        return new PersistenceConfig(enabled != null ? enabled : d.enabled,
                sync != null ? YamlEnums.parse(SyncMode.class, "persistence.sync", sync.toLowerCase(Locale.ROOT)) : d.sync,
                durableAck != null ? durableAck : d.durableAck,
                queueQos0Messages != null ? queueQos0Messages : d.queueQos0Messages);
    }

    /** Gives {@code builder} the store this section asks for, in {@code dataDir}. */
    public Broker.Builder applyTo(Broker.Builder builder, Path dataDir) {
        return enabled ? builder.dataDirectory(dataDir, sync).durableAcknowledgements(durableAck) : builder;
    }
}
