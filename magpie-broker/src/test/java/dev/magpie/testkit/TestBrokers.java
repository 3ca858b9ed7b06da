package dev.magpie.testkit;

import dev.magpie.Broker;
import dev.magpie.BrokerSettings;
import dev.magpie.Listener;

/** Brokers for tests: loopback only, an ephemeral port, anonymous clients allowed unless said otherwise. */
public final class TestBrokers {
    private TestBrokers() {
    }

    /** A builder with one anonymous TCP listener named "tcp" on 127.0.0.1, port 0. */
    public static Broker.Builder anonymous() {
        return Broker.builder().listener(Listener.tcp("127.0.0.1", 0).anonymous(true));
    }

    public static Broker.Builder anonymous(BrokerSettings settings) {
        return anonymous().settings(settings);
    }

    /** "tcp://127.0.0.1:PORT" of the broker's "tcp" listener, for Paho. */
    public static String uri(Broker broker) {
        return "tcp://127.0.0.1:" + broker.port("tcp");
    }
}
