package dev.magpie.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SQL of the session tables of {@link SqliteMessageStore} ({@code sessions}, {@code subscriptions},
 * {@code session_messages}, {@code inbound_qos2}, {@code pending_wills}), kept apart from the retained messages and the writer. Each
 * method runs on the connection it is given: reads at start, writes on the store's writer thread.
 */
final class SessionTables {

    private SessionTables() {
    }

    /** The unexpired sessions with everything they keep; deletes expired ones and rows left without a session. */
    static List<StoredSession> load(Connection connection, long nowMillis) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM sessions WHERE expires_at IS NOT NULL AND expires_at <= ?")) {
            delete.setLong(1, nowMillis); // expired while the broker was down [MQTT-3.1.2-23]
            delete.executeUpdate();
        }
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("DELETE FROM subscriptions WHERE client_id NOT IN (SELECT client_id FROM sessions)");
            s.executeUpdate("DELETE FROM session_messages WHERE client_id NOT IN (SELECT client_id FROM sessions)");
            s.executeUpdate("DELETE FROM inbound_qos2 WHERE client_id NOT IN (SELECT client_id FROM sessions)");
            s.executeUpdate("DELETE FROM pending_wills WHERE client_id NOT IN (SELECT client_id FROM sessions)");
            // an inbound QoS 2 message whose ownership never reached the disk: its copies go, the client resends it
            s.executeUpdate("DELETE FROM session_messages WHERE origin != 0 AND origin IN (SELECT origin FROM inbound_qos2 WHERE owned = 0)");
            s.executeUpdate("DELETE FROM inbound_qos2 WHERE owned = 0");
        }
        Map<String, List<StoredDelivery>> deliveries = loadDeliveries(connection);
        Map<String, List<StoredSession.InboundQos2>> inbound = new HashMap<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT client_id, packet_id, fingerprint FROM inbound_qos2 ORDER BY rowid")) {
            while (rs.next()) {
                inbound.computeIfAbsent(rs.getString(1), id -> new ArrayList<>())
                        .add(new StoredSession.InboundQos2(rs.getInt(2), rs.getLong(3)));
            }
        }
        Map<String, StoredWill> wills = loadWills(connection);
        Map<String, List<StoredSubscription>> subscriptions = new HashMap<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT client_id, filter, qos, no_local, retain_as_published, "
                     + "retain_handling, identifier FROM subscriptions ORDER BY rowid")) {
            while (rs.next()) {
                subscriptions.computeIfAbsent(rs.getString(1), id -> new ArrayList<>()).add(new StoredSubscription(
                        rs.getString(2), rs.getInt(3), rs.getInt(4) != 0, rs.getInt(5) != 0, rs.getInt(6), rs.getInt(7)));
            }
        }
        List<StoredSession> sessions = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT client_id, username, protocol_level, listener, expiry_seconds, "
                     + "expires_at FROM sessions")) {
            while (rs.next()) {
                long expires = SqliteFile.millisOrNone(rs, 6);
                String clientId = rs.getString(1);
                sessions.add(new StoredSession(clientId, rs.getString(2), rs.getInt(3), rs.getString(4), rs.getLong(5),
                        expires, subscriptions.getOrDefault(clientId, List.of()), deliveries.getOrDefault(clientId, List.of()),
                        inbound.getOrDefault(clientId, List.of()), wills.get(clientId)));
            }
        }
        return sessions;
    }

    /** Queued messages by key, then in-flight ones in send order (the order their rows were made). */
    private static Map<String, List<StoredDelivery>> loadDeliveries(Connection connection) throws SQLException {
        Map<String, List<StoredDelivery>> deliveries = new HashMap<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT client_id, key, state, retain, subscription_ids, topic, qos, payload, "
                     + "properties, stored_at, expires_at, shared_group FROM session_messages ORDER BY inflight, "
                     + "CASE inflight WHEN 0 THEN key ELSE rowid END")) {
            while (rs.next()) {
                long expires = SqliteFile.millisOrNone(rs, 11);
                StoredMessage message = new StoredMessage(rs.getString(6), rs.getInt(7), rs.getBytes(8), rs.getBytes(9),
                        rs.getLong(10), expires);
                deliveries.computeIfAbsent(rs.getString(1), id -> new ArrayList<>()).add(new StoredDelivery(rs.getLong(2),
                        rs.getInt(3), message, rs.getInt(4) != 0, parseIds(rs.getString(5)), rs.getString(12)));
            }
        }
        return deliveries;
    }

    private static Map<String, StoredWill> loadWills(Connection connection) throws SQLException {
        Map<String, StoredWill> wills = new HashMap<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT client_id, topic, qos, retain, payload, properties, due_at FROM pending_wills")) {
            while (rs.next()) {
                long due = rs.getLong(7);
                wills.put(rs.getString(1), new StoredWill(new StoredMessage(rs.getString(2), rs.getInt(3), rs.getBytes(5),
                        rs.getBytes(6), due, -1), rs.getInt(4) != 0, due));
            }
        }
        return wills;
    }

    static void putWill(Connection c, String clientId, StoredWill will) throws SQLException {
        StoredMessage m = will.message();
        try (PreparedStatement p = c.prepareStatement("INSERT OR REPLACE INTO pending_wills "
                + "(client_id, topic, qos, retain, payload, properties, due_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, clientId);
            p.setString(2, m.topic());
            p.setInt(3, m.qos());
            p.setInt(4, will.retain() ? 1 : 0);
            p.setBytes(5, m.payload());
            p.setBytes(6, m.properties());
            p.setLong(7, will.dueAtMillis());
            p.executeUpdate();
        }
    }

    static void removeWill(Connection c, String clientId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM pending_wills WHERE client_id = ?")) {
            p.setString(1, clientId);
            p.executeUpdate();
        }
    }

    private static List<Integer> parseIds(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        List<Integer> ids = new ArrayList<>();
        for (String part : text.split(",")) {
            ids.add(Integer.parseInt(part));
        }
        return ids;
    }

    static void putDelivery(Connection c, String clientId, StoredDelivery delivery) throws SQLException {
        StoredMessage m = delivery.message();
        String ids = delivery.subscriptionIds().stream().map(String::valueOf).collect(Collectors.joining(","));
        // an upsert keeps the row (and its rowid, the send order) when a PUBREC moves it on
        try (PreparedStatement p = c.prepareStatement("INSERT INTO session_messages (client_id, inflight, key, state, "
                + "retain, subscription_ids, topic, qos, payload, properties, stored_at, expires_at, shared_group, origin) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id, inflight, key) DO UPDATE SET "
                + "state = excluded.state, retain = excluded.retain, subscription_ids = excluded.subscription_ids, "
                + "topic = excluded.topic, qos = excluded.qos, payload = excluded.payload, properties = excluded.properties, "
                + "stored_at = excluded.stored_at, expires_at = excluded.expires_at, shared_group = excluded.shared_group, origin = excluded.origin")) {
            p.setString(1, clientId);
            p.setInt(2, delivery.inflight() ? 1 : 0);
            p.setLong(3, delivery.key());
            p.setInt(4, delivery.state());
            p.setInt(5, delivery.retain() ? 1 : 0);
            p.setString(6, ids);
            p.setString(7, m.topic());
            p.setInt(8, m.qos());
            p.setBytes(9, m.payload());
            p.setBytes(10, m.properties());
            p.setLong(11, m.storedAtMillis());
            SqliteFile.setMillisOrNull(p, 12, m.expiresAtMillis());
            p.setString(13, delivery.sharedGroup());
            p.setLong(14, delivery.origin());
            p.executeUpdate();
        }
    }

    static void removeDelivery(Connection c, String clientId, boolean inflight, long key) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "DELETE FROM session_messages WHERE client_id = ? AND inflight = ? AND key = ?")) {
            p.setString(1, clientId);
            p.setInt(2, inflight ? 1 : 0);
            p.setLong(3, key);
            p.executeUpdate();
        }
    }

    static void inboundQos2(Connection c, String clientId, int packetId, long fingerprint, long origin, boolean awaiting) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(awaiting
                ? "INSERT OR REPLACE INTO inbound_qos2 (client_id, packet_id, fingerprint, origin, owned) VALUES (?, ?, ?, ?, ?)"
                : "DELETE FROM inbound_qos2 WHERE client_id = ? AND packet_id = ?")) {
            p.setString(1, clientId);
            p.setInt(2, packetId);
            if (awaiting) {
                p.setLong(3, fingerprint);
                p.setLong(4, origin);
                p.setInt(5, origin == 0 ? 1 : 0);
            }
            p.executeUpdate();
        }
    }

    static void inboundQos2Owned(Connection c, String clientId, int packetId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE inbound_qos2 SET owned = 1 WHERE client_id = ? AND packet_id = ?")) {
            p.setString(1, clientId);
            p.setInt(2, packetId);
            p.executeUpdate();
        }
    }

    static void putSession(Connection c, StoredSession session) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO sessions "
                + "(client_id, username, protocol_level, listener, expiry_seconds, expires_at) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (client_id) DO UPDATE SET username = excluded.username, protocol_level = excluded.protocol_level, "
                + "listener = excluded.listener, expiry_seconds = excluded.expiry_seconds, expires_at = excluded.expires_at")) {
            p.setString(1, session.clientId());
            p.setString(2, session.username());
            p.setInt(3, session.protocolLevel());
            p.setString(4, session.listener());
            p.setLong(5, session.expirySeconds());
            SqliteFile.setMillisOrNull(p, 6, session.expiresAtMillis());
            p.executeUpdate();
        }
    }

    static void removeSession(Connection c, String clientId) throws SQLException {
        for (String table : new String[]{"subscriptions", "session_messages", "inbound_qos2", "pending_wills", "sessions"}) {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM " + table + " WHERE client_id = ?")) {
                p.setString(1, clientId);
                p.executeUpdate();
            }
        }
    }

    static void putSubscription(Connection c, String clientId, StoredSubscription subscription) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT OR REPLACE INTO subscriptions (client_id, filter, qos, "
                + "no_local, retain_as_published, retain_handling, identifier) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, clientId);
            p.setString(2, subscription.filter());
            p.setInt(3, subscription.qos());
            p.setInt(4, subscription.noLocal() ? 1 : 0);
            p.setInt(5, subscription.retainAsPublished() ? 1 : 0);
            p.setInt(6, subscription.retainHandling());
            p.setInt(7, subscription.identifier());
            p.executeUpdate();
        }
    }

    static void removeSubscription(Connection c, String clientId, String filter) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM subscriptions WHERE client_id = ? AND filter = ?")) {
            p.setString(1, clientId);
            p.setString(2, filter);
            p.executeUpdate();
        }
    }

}
