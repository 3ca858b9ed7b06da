package dev.magpie.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store in the JVM's heap, for tests and for applications that restart a broker inside one process. A
 * concurrent map: writes never block and never fail.
 */
final class MemoryMessageStore implements MessageStore {
    private final Map<String, StoredMessage> retained = new ConcurrentHashMap<>();

    @Override
    public List<StoredMessage> loadRetained(long nowMillis) {
        List<StoredMessage> live = new ArrayList<>(retained.size());
        for (StoredMessage m : retained.values()) {
            if (m.expiredAt(nowMillis)) {
                retained.remove(m.topic(), m);
            } else {
                live.add(m);
            }
        }
        return live;
    }

    @Override
    public void putRetained(StoredMessage message) {
        retained.put(message.topic(), message);
    }

    @Override
    public void removeRetained(String topic) {
        retained.remove(topic);
    }

    @Override
    public void close() {
        // kept for the next broker using this instance
    }

    @Override
    public String toString() {
        return "memory store";
    }
}
