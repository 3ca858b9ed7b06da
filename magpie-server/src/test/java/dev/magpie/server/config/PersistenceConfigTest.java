package dev.magpie.server.config;

import dev.magpie.store.SyncMode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code persistence:} section: defaults, spellings, and a clear error for a wrong value. */
class PersistenceConfigTest {

    private static MagpieConfig parse(String yaml) {
        return new ConfigLoader(Map.of()).parse(yaml, "test.yaml");
    }

    @Test
    void persistenceIsOnWithNormalSyncByDefault() {
        assertThat(parse("log_level: info\n").persistence()).isEqualTo(new PersistenceConfig(true, SyncMode.NORMAL, true, false));
    }

    @Test
    void theKeysAreRead() {
        assertThat(parse("persistence:\n  enabled: false\n  sync: full\n  durable_ack: true\n").persistence())
                .isEqualTo(new PersistenceConfig(false, SyncMode.FULL, true, false));
    }

    @Test
    void anUnknownSyncValueNamesTheKeyAndTheChoices() {
        assertThatThrownBy(() -> parse("persistence:\n  sync: sometimes\n"))
                .hasMessageContaining("persistence.sync 'sometimes' is not one of normal, full");
    }

    @Test
    void theEnvironmentCanTurnItOff() {
        MagpieConfig config = new ConfigLoader(Map.of("MAGPIE_PERSISTENCE_ENABLED", "false")).applyEnvironment(MagpieConfig.defaults());
        assertThat(config.persistence().enabled()).isFalse();
    }
}
