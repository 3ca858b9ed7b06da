package dev.magpie.cluster;

import java.util.Arrays;
import java.util.Objects;

/**
 * One retained message as the backend holds it, with the version its topic had when it was set (versions grow per
 * topic with every set and delete, so a node's index ignores an older change that arrives after a newer load).
 *
 * @param topic   the topic name
 * @param version the topic's version at this set
 * @param body    opaque bytes (the broker layer decides the encoding)
 */
public record RetainedEntry(String topic, long version, byte[] body) {
    public RetainedEntry {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(body, "body");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RetainedEntry that && topic.equals(that.topic) && version == that.version
                && Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, version) * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "RetainedEntry[" + topic + " v" + version + ", " + body.length + " bytes]";
    }
}
