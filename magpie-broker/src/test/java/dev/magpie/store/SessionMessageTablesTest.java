package dev.magpie.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a persistent session's records become in the file (schema 4): a queued message moved to in flight in one
 * step, shared-group deliveries with their group, inbound QoS 2 ids with their fingerprint, a delayed will, and
 * the copies of an inbound QoS 2 message whose ownership never became durable, dropped at load with the id.
 */
class SessionMessageTablesTest {
    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final List<SqliteMessageStore> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(SqliteMessageStore::close);
    }

    private SqliteMessageStore open() {
        SqliteMessageStore store = SqliteMessageStore.open(dir, SyncMode.NORMAL, 1_000);
        opened.add(store);
        return store;
    }

    private static StoredMessage message(String text) {
        return new StoredMessage("t/x", 1, text.getBytes(StandardCharsets.UTF_8), new byte[]{0}, NOW, -1);
    }

    private static StoredSession session() {
        return new StoredSession("c", null, 5, "tcp", 600, -1, List.of());
    }

    private StoredSession reopened() {
        opened.remove(opened.size() - 1).close();
        return open().loadSessions(NOW).stream().filter(s -> s.clientId().equals("c")).findFirst().orElseThrow();
    }

    @Test
    void aMovedDeliveryIsInFlightAndNoLongerQueued() {
        SqliteMessageStore store = open();
        store.putSession(session());
        store.putDelivery("c", new StoredDelivery(7, StoredDelivery.QUEUED, message("m"), false, List.of(3)));
        store.moveDelivery("c", 7, new StoredDelivery(41, StoredDelivery.AWAIT_PUBACK, message("m"), false, List.of()));

        assertThat(reopened().deliveries()).singleElement().satisfies(d -> {
            assertThat(d.inflight()).isTrue();
            assertThat(d.key()).isEqualTo(41);
        });
    }

    @Test
    void sharedGroupFingerprintAndWillAreKept() {
        SqliteMessageStore store = open();
        store.putSession(session());
        store.putDelivery("c", new StoredDelivery(1, StoredDelivery.QUEUED, message("s"), false, List.of(), "$share/g/t/#"));
        store.inboundQos2("c", 9, 12345L, 0, true);
        store.putWill("c", new StoredWill(message("gone"), true, NOW + 5_000));

        StoredSession back = reopened();
        assertThat(back.deliveries()).singleElement().extracting(StoredDelivery::sharedGroup).isEqualTo("$share/g/t/#");
        assertThat(back.inboundQos2()).containsExactly(new StoredSession.InboundQos2(9, 12345L));
        assertThat(back.will()).isNotNull();
        assertThat(back.will().retain()).isTrue();
        assertThat(back.will().dueAtMillis()).isEqualTo(NOW + 5_000);
        assertThat(new String(back.will().message().payload(), StandardCharsets.UTF_8)).isEqualTo("gone");

        opened.remove(opened.size() - 1).close();
        SqliteMessageStore again = open();
        again.removeWill("c");
        assertThat(reopened().will()).as("removed").isNull();
    }

    @Test
    void theCopiesOfAnIdWhoseOwnershipNeverBecameDurableAreDroppedWithIt_MQTT_4_3_3_9() {
        SqliteMessageStore store = open();
        store.putSession(session());
        store.inboundQos2("c", 5, 1L, 777L, true); // taken, ownership not yet durable
        store.putDelivery("c", new StoredDelivery(1, StoredDelivery.QUEUED, message("copy of 5"), false, List.of(), null, 777L));
        store.putDelivery("c", new StoredDelivery(2, StoredDelivery.QUEUED, message("older"), false, List.of(), null, 0));
        store.inboundQos2("c", 6, 2L, 888L, true);
        store.inboundQos2Owned("c", 6); // this one's routing was durable
        store.putDelivery("c", new StoredDelivery(3, StoredDelivery.QUEUED, message("copy of 6"), false, List.of(), null, 888L));

        StoredSession back = reopened();
        assertThat(back.deliveries()).extracting(d -> new String(d.message().payload(), StandardCharsets.UTF_8))
                .containsExactly("older", "copy of 6");
        assertThat(back.inboundQos2()).extracting(StoredSession.InboundQos2::packetId).containsExactly(6);
    }
}
